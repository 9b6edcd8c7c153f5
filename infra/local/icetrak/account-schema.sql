-- Icetrak's customer-account system, as Rightsdesk's SQL connector sees it (issue 14).
-- Locally this schema runs in PGlite (infra/local/icetrak); in AWS the connector reads Icetrak's
-- PostgreSQL database, whose tables it expects in this shape. The register's queries
-- (shared/fulfilment/icetrak-register.ts) read these tables and nothing else.
CREATE TABLE IF NOT EXISTS accounts (
  account_id text PRIMARY KEY CHECK (account_id ~ '^ACC-[0-9]{3,10}$'),
  name text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'closed')),
  opened_on date NOT NULL,
  closed_on date,
  -- The contract's privacy contact: where a processor request is forwarded.
  privacy_contact_email text NOT NULL,
  CHECK ((status = 'closed') = (closed_on IS NOT NULL))
);

CREATE TABLE IF NOT EXISTS account_users (
  user_id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (account_id),
  full_name text NOT NULL,
  email text NOT NULL,
  phone text,
  job_title text,
  created_on date NOT NULL,
  last_login_at timestamptz
);
CREATE INDEX IF NOT EXISTS account_users_email ON account_users (lower(email));
CREATE INDEX IF NOT EXISTS account_users_phone ON account_users (phone);

CREATE TABLE IF NOT EXISTS login_events (
  event_id bigserial PRIMARY KEY,
  user_id text NOT NULL REFERENCES account_users (user_id),
  at timestamptz NOT NULL,
  ip_address text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure'))
);
CREATE INDEX IF NOT EXISTS login_events_user ON login_events (user_id);

CREATE TABLE IF NOT EXISTS billing_contacts (
  contact_id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (account_id),
  full_name text NOT NULL,
  email text NOT NULL,
  phone text,
  postal_address text
);
CREATE INDEX IF NOT EXISTS billing_contacts_email ON billing_contacts (lower(email));
CREATE INDEX IF NOT EXISTS billing_contacts_phone ON billing_contacts (phone);

CREATE TABLE IF NOT EXISTS invoices (
  invoice_id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (account_id),
  contact_id text NOT NULL REFERENCES billing_contacts (contact_id),
  issued_on date NOT NULL,
  amount_pence integer NOT NULL,
  status text NOT NULL CHECK (status IN ('paid', 'due', 'void'))
);
CREATE INDEX IF NOT EXISTS invoices_contact ON invoices (contact_id);

-- Issue 15: what Rightsdesk's change plans write. A restricted record (Art. 18) is stored and
-- not otherwise processed: Icetrak's systems that read these tables skip rows with restricted_at
-- set (and the person is told before it is lifted). marketing_opt_out_at: the user objected to
-- direct marketing (Art. 21(3)); no marketing email goes to them again. ADD COLUMN IF NOT EXISTS,
-- so a data directory made before these columns is brought up to date on the next start.
ALTER TABLE account_users ADD COLUMN IF NOT EXISTS restricted_at timestamptz;
ALTER TABLE account_users ADD COLUMN IF NOT EXISTS marketing_opt_out_at timestamptz;
ALTER TABLE login_events ADD COLUMN IF NOT EXISTS restricted_at timestamptz;
ALTER TABLE billing_contacts ADD COLUMN IF NOT EXISTS restricted_at timestamptz;
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS restricted_at timestamptz;
