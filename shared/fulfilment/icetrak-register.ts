/**
 * Icetrak's processing register (issue 14): the facts of its privacy notice
 * (../shared/icetrak-privacy-notice.txt, stated in our own words), completed where the published
 * notice's lists are empty with defaults usual for a UK SMS/fax platform. Every such default is
 * named in the entry's `defaults` (the desk's register page shows it as Icetrak's default, not the
 * notice's words) and explained in a "(default)" comment: Icetrak's DPO confirms or corrects it
 * here, bumps `version`, and the change is reviewed like code. Validated by shared/domain/register.ts when loaded.
 *
 * The SQL queries read the account system's tables (infra/local/icetrak/account-schema.sql);
 * `$1` is the normalised identifier (lower-case email, E.164 phone number). Each returns its
 * table's `restricted_at` (and an account user's `marketing_opt_out_at`): the marks the writes
 * below set, so that Rightsdesk, itself a system reading these tables, sees and shows them
 * (shared/domain/search.ts `recordMarks`).
 *
 * The writes (issue 15) are what an approved change plan may do to each record type, as
 * parameterised statements (`$1` the record's key, `$2` a corrected value) that the SQL writer runs
 * in one transaction (a restriction's mark set by `restrict`, cleared by `unrestrict` when it is lifted). Each system lists them children first: the sign-ins before the account user
 * they belong to, the invoices before their billing contact. A DELETE never reaches beyond the
 * record it names: a row the plan does not list (a sign-in made after the search) makes the
 * foreign key refuse the parent's deletion, and the whole source's transaction rolls back.
 */
import { parseRegister, type Register } from '#domain/register';

const USER_COLUMNS = `u.user_id, u.account_id, a.name AS account_name, a.status AS account_status, a.closed_on AS account_closed_on,
  u.full_name, u.email, u.phone, u.job_title, u.created_on, u.last_login_at, u.restricted_at, u.marketing_opt_out_at`;
const CONTACT_COLUMNS = `c.contact_id, c.account_id, a.name AS account_name, a.status AS account_status, a.closed_on AS account_closed_on,
  c.full_name, c.email, c.phone, c.postal_address, c.restricted_at`;

export const ICETRAK_REGISTER: Register = parseRegister({
  version: '2026-12-02.5',
  controller: {
    name: 'Icetrak Ltd',
    address: '2 Nimrod House, Malvern, Worcestershire',
    companyNumber: '04415020',
    dpoEmail: 'dpo@icetrak.net',
  },
  recipients: [
    {
      id: 'kashflow',
      name: 'Kashflow',
      receives: 'billing contact details (name, email, phone, postal address) and invoice details',
      purpose: 'keeping Icetrak’s accounts and sending invoices',
      noticeEmail: 'support@kashflow.example',
      // (default) The notice says only that Kashflow is a third-party accounts system.
      location: 'the UK, under Kashflow’s terms as Icetrak’s processor',
      defaults: ['location'],
    },
  ],
  systems: [
    {
      id: 'accounts',
      name: 'Customer account system',
      description: 'The accounts of Icetrak’s business customers and the people who use them: who they are, how to reach them, and their sign-ins.',
      role: 'controller',
      // (default) The notice's list of registration data is empty; these are what the account system holds.
      categories: ['name', 'business email address', 'phone number', 'job title', 'account membership', 'sign-in times and IP addresses'],
      purposes: ['creating and running the customer’s account', 'providing the messaging services', 'keeping the account secure'],
      lawfulBasis: 'Legitimate interests: providing Icetrak’s services to the organisation the person works for (UK GDPR Art. 6(1)(f))',
      source: 'the customer organisation when it registered or added the person as a user, and the person’s own use of the service',
      recipients: [],
      retention: 'account-7y',
      storage: 'Icetrak’s own servers in the UK, reached only by Icetrak staff',
      transfers: null,
      automatedDecisions: null,
      identifiedBy: ['email', 'phone'],
      // (default) The notice names no categories, no security purpose, and no marketing to object to.
      defaults: ['categories', 'purposes', 'objections'],
      connector: {
        kind: 'sql',
        queries: [
          {
            name: 'account-users-by-email',
            recordType: 'account_user',
            identifiedBy: 'email',
            sql: `SELECT ${USER_COLUMNS} FROM account_users u JOIN accounts a USING (account_id) WHERE lower(u.email) = $1 ORDER BY u.user_id`,
            keyColumn: 'user_id',
            accountColumn: 'account_id',
            providedByPerson: true,
          },
          {
            name: 'account-users-by-phone',
            recordType: 'account_user',
            identifiedBy: 'phone',
            sql: `SELECT ${USER_COLUMNS} FROM account_users u JOIN accounts a USING (account_id) WHERE u.phone = $1 ORDER BY u.user_id`,
            keyColumn: 'user_id',
            accountColumn: 'account_id',
            providedByPerson: true,
          },
          {
            name: 'sign-ins-by-email',
            recordType: 'sign_in',
            identifiedBy: 'email',
            sql: `SELECT e.event_id, u.account_id, e.at, e.ip_address, e.outcome, e.restricted_at FROM login_events e JOIN account_users u USING (user_id) WHERE lower(u.email) = $1 ORDER BY e.at`,
            keyColumn: 'event_id',
            accountColumn: 'account_id',
            providedByPerson: true,
          },
        ],
        writes: [
          {
            recordType: 'sign_in',
            erase: 'DELETE FROM login_events WHERE event_id = $1::bigint',
            restrict: 'UPDATE login_events SET restricted_at = coalesce(restricted_at, now()) WHERE event_id = $1::bigint',
            unrestrict: 'UPDATE login_events SET restricted_at = NULL WHERE event_id = $1::bigint',
            // (default) Sign-ins are security logs: the account runs without a user's past sign-ins.
            notKeptWithAccount: 'Sign-in records are security logs: they are not needed to run the account, and the law does not require them to be kept.',
          },
          {
            recordType: 'account_user',
            erase: 'DELETE FROM account_users WHERE user_id = $1',
            rectify: {
              full_name: 'UPDATE account_users SET full_name = $2 WHERE user_id = $1',
              email: 'UPDATE account_users SET email = $2 WHERE user_id = $1',
              phone: 'UPDATE account_users SET phone = $2 WHERE user_id = $1',
              job_title: 'UPDATE account_users SET job_title = $2 WHERE user_id = $1',
            },
            restrict: 'UPDATE account_users SET restricted_at = coalesce(restricted_at, now()) WHERE user_id = $1',
            unrestrict: 'UPDATE account_users SET restricted_at = NULL WHERE user_id = $1',
            stop: { 'direct-marketing': 'UPDATE account_users SET marketing_opt_out_at = coalesce(marketing_opt_out_at, now()) WHERE user_id = $1' },
          },
        ],
      },
      // (default) The notice names no marketing; an account user may be sent news of Icetrak's services, which an objection stops.
      objections: [
        {
          purpose: 'direct-marketing',
          description: 'emails about Icetrak’s services and offers (direct marketing)',
          absolute: true,
        },
      ],
    },
    {
      id: 'billing',
      name: 'Billing records',
      description: 'The billing contacts of customer accounts and the invoices sent to them.',
      role: 'controller',
      categories: ['name', 'email address', 'phone number', 'postal address', 'invoice details'],
      purposes: ['billing the customer for the services', 'handling payments and resolving financial disputes', 'keeping the accounts the law requires'],
      lawfulBasis:
        'Legitimate interests: billing for the services and handling payments (UK GDPR Art. 6(1)(f)); accounting records are a legal obligation (Art. 6(1)(c))',
      source: 'the customer organisation, which named the person as its billing contact',
      recipients: ['kashflow'],
      retention: 'account-7y',
      storage: 'Icetrak’s own servers in the UK; a copy of billing contacts and invoices in Kashflow',
      transfers: null,
      automatedDecisions: null,
      identifiedBy: ['email', 'phone'],
      // (default) The notice says "billing contact details and invoice details", and gives no legal-obligation basis or
      // retention for billing records: the retention schedule's 7 years after the account closes applies.
      defaults: ['categories', 'lawfulBasis', 'retention'],
      connector: {
        kind: 'sql',
        queries: [
          {
            name: 'billing-contacts-by-email',
            recordType: 'billing_contact',
            identifiedBy: 'email',
            sql: `SELECT ${CONTACT_COLUMNS} FROM billing_contacts c JOIN accounts a USING (account_id) WHERE lower(c.email) = $1 ORDER BY c.contact_id`,
            keyColumn: 'contact_id',
            accountColumn: 'account_id',
            providedByPerson: true,
          },
          {
            name: 'billing-contacts-by-phone',
            recordType: 'billing_contact',
            identifiedBy: 'phone',
            sql: `SELECT ${CONTACT_COLUMNS} FROM billing_contacts c JOIN accounts a USING (account_id) WHERE c.phone = $1 ORDER BY c.contact_id`,
            keyColumn: 'contact_id',
            accountColumn: 'account_id',
            providedByPerson: true,
          },
          {
            name: 'invoices-by-email',
            recordType: 'invoice',
            identifiedBy: 'email',
            sql: `SELECT i.invoice_id, i.account_id, i.issued_on, i.amount_pence, i.status, i.restricted_at FROM invoices i JOIN billing_contacts c USING (contact_id) WHERE lower(c.email) = $1 ORDER BY i.issued_on`,
            keyColumn: 'invoice_id',
            accountColumn: 'account_id',
            providedByPerson: false,
          },
        ],
        writes: [
          {
            recordType: 'invoice',
            erase: 'DELETE FROM invoices WHERE invoice_id = $1',
            restrict: 'UPDATE invoices SET restricted_at = coalesce(restricted_at, now()) WHERE invoice_id = $1',
            unrestrict: 'UPDATE invoices SET restricted_at = NULL WHERE invoice_id = $1',
          },
          {
            recordType: 'billing_contact',
            erase: 'DELETE FROM billing_contacts WHERE contact_id = $1',
            rectify: {
              full_name: 'UPDATE billing_contacts SET full_name = $2 WHERE contact_id = $1',
              email: 'UPDATE billing_contacts SET email = $2 WHERE contact_id = $1',
              phone: 'UPDATE billing_contacts SET phone = $2 WHERE contact_id = $1',
              postal_address: 'UPDATE billing_contacts SET postal_address = $2 WHERE contact_id = $1',
            },
            restrict: 'UPDATE billing_contacts SET restricted_at = coalesce(restricted_at, now()) WHERE contact_id = $1',
            unrestrict: 'UPDATE billing_contacts SET restricted_at = NULL WHERE contact_id = $1',
          },
        ],
      },
    },
    {
      id: 'traffic',
      name: 'Message traffic records',
      description: 'Delivery records of the SMS and fax messages Icetrak’s business customers send: sender account, recipient number, time and status.',
      role: 'processor',
      categories: ['phone or fax number', 'message time and delivery status', 'the sending customer'],
      purposes: ['delivering messages on the business customer’s instructions', 'producing the customer’s billing reports'],
      lawfulBasis: 'Processed for the business customer, who is the controller and decides the lawful basis',
      source: 'the business customer that sent the message',
      recipients: [],
      retention: 'processor',
      storage: 'Icetrak’s storage in the UK (AWS eu-west-2, London)',
      transfers: null,
      automatedDecisions: null,
      identifiedBy: ['phone'],
      // (default) The notice's list of communications data is empty, and it states neither retention nor storage for it.
      defaults: ['categories', 'retention', 'storage'],
      connector: { kind: 'traffic' },
    },
    {
      id: 'rightsdesk',
      name: 'Data protection requests (Rightsdesk)',
      description: 'Earlier requests and complaints the person made to Icetrak’s Data Protection Officer, and the correspondence about them.',
      role: 'controller',
      categories: ['name', 'contact details', 'the requests made and the correspondence about them'],
      purposes: ['answering data protection requests and complaints', 'showing how they were handled'],
      lawfulBasis: 'Legal obligation: answering requests under UK GDPR Arts. 12–22 and keeping a record of them (Art. 6(1)(c))',
      source: 'the person, and anyone who made a request for them',
      recipients: [],
      retention: 'rightsdesk-case',
      storage: 'Icetrak’s AWS account in the UK (eu-west-2, London)',
      transfers: null,
      automatedDecisions: null,
      identifiedBy: ['email'],
      // (default) The notice does not mention the records of data protection requests at all: every word is Icetrak's.
      defaults: ['name', 'description', 'categories', 'purposes', 'lawfulBasis', 'source', 'retention', 'storage'],
      connector: { kind: 'rightsdesk' },
    },
    {
      id: 'support-files',
      // (default) The notice says Icetrak also collects data when people "otherwise communicate with us".
      name: 'Customer support mailbox and paper files',
      description: 'Emails to Icetrak’s support and sales mailboxes, and any paper files kept at the Malvern office.',
      role: 'controller',
      categories: ['name', 'contact details', 'the content of the correspondence'],
      purposes: ['answering enquiries and support requests'],
      lawfulBasis: 'Legitimate interests: answering the person or the organisation they work for (UK GDPR Art. 6(1)(f))',
      source: 'the person, or the organisation they work for',
      recipients: [],
      retention: 'account-7y',
      storage: 'Icetrak’s mail system and its Malvern office in the UK',
      transfers: null,
      automatedDecisions: null,
      identifiedBy: ['email', 'phone'],
      defaults: ['name', 'description', 'categories', 'purposes', 'lawfulBasis', 'source', 'retention', 'storage'],
      connector: {
        kind: 'manual',
        instructions:
          'Search the support@ and sales@ mailboxes and the paper customer files for the person’s email addresses and phone numbers; upload what you find, or record that nothing was found.',
      },
    },
  ],
});
