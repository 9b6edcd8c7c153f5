/**
 * Triage of a free-text request (an email): which rights it asks for, from English
 * keywords. Several rights at once are normal ("send me a copy and then delete it"); a
 * keyword under a negation ("please don't delete my account") does not count. No match
 * means the DPO team triages the request by hand (the case is flagged `unclassified`):
 * a missed right costs a person's reading, a wrongly added one a person's correction,
 * and the clock runs from receipt either way (docs/rules.md, The deadline, 1).
 *
 * Pure and bounded: only the first TRIAGE_TEXT_LIMIT characters are read, and lines
 * quoted from earlier mail (`> …`) are skipped, since they are someone else's words.
 */
import { RIGHTS, type Right } from './case';

export const TRIAGE_TEXT_LIMIT = 20_000;

interface Rule {
  readonly right: Right;
  readonly pattern: RegExp;
  /** A match is dropped when a negation stands shortly before it in the same clause. */
  readonly negatable: boolean;
}

const rule = (right: Right, pattern: RegExp, negatable = true): Rule => ({ right, pattern, negatable });

const DATA = String.raw`(?:personal )?(?:data|information|info|details|records)`;

const RULES: readonly Rule[] = [
  // Access (Art. 15)
  rule('access', /\bd?sars?\b/),
  rule('access', /\bsubject access\b/),
  rule('access', /\baccess requests?\b/),
  rule('access', /\bright (?:of|to) access\b/),
  rule('access', new RegExp(String.raw`\baccess to (?:all )?(?:of )?(?:my|the) ${DATA}`)),
  rule('access', new RegExp(String.raw`\bcop(?:y|ies) of (?:[\w']+ ){0,4}?${DATA}`)),
  rule('access', new RegExp(String.raw`\bwhat ${DATA} (?:do |does )?(?:you|icetrak) (?:hold|have|keep|store|process)`)),
  rule('access', new RegExp(String.raw`\b${DATA} (?:that )?(?:you|icetrak) (?:hold|have|keep|store|process)s? (?:about|on) me\b`)),
  rule('access', /\barticle 15\b/),
  // Erasure (Art. 17)
  rule('erasure', /\b(?:delete|deleted|deleting|deletion|erase|erased|erasing|erasure)\b/),
  rule('erasure', /\b(?:forget me|forget about me|be forgotten)\b/),
  rule('erasure', new RegExp(String.raw`\bremove (?:all )?(?:of )?my (?:${DATA}|account)`)),
  rule('erasure', /\barticle 17\b/),
  // Rectification (Art. 16)
  rule('rectification', /\b(?:rectify|rectified|rectifying|rectification)\b/),
  rule('rectification', /\b(?:correct (?:my|the|this|these|it|them)|corrected|correction|corrections)\b/),
  rule('rectification', /\b(?:is|are|was|were) (?:wrong|incorrect|inaccurate|out of date|outdated)\b/),
  rule('rectification', /\binaccurate\b/),
  rule('rectification', /\bupdate my (?:address|name|email|phone|number|date of birth|personal (?:data|information|details)|details)\b/),
  rule('rectification', /\barticle 16\b/),
  // Restriction (Art. 18)
  rule('restriction', /\b(?:restrict|restricted|restricting|restriction)\b/),
  rule('restriction', /\blimit (?:the )?(?:use|processing|how you use)\b/),
  rule('restriction', /\barticle 18\b/),
  // Objection (Art. 21), including direct marketing
  rule('objection', /\b(?:object|objecting|objection|objections)\b/),
  rule('objection', /\bopt(?:ing)?(?: me)?[- ]?out\b/),
  rule('objection', /\bunsubscribe\b/),
  rule('objection', /\bstop (?:sending|contacting|emailing|texting|calling|messaging|marketing)\b/),
  rule('objection', /\bremove me from (?:your |the )?(?:mailing|marketing|contact) list/),
  // Phrased as a negation itself, so never dropped for one.
  rule('objection', /\b(?:no longer|do not|don't|never) (?:want|wish) to (?:receive|get|be sent|be contacted)\b/, false),
  rule('objection', /\barticle 21\b/),
  // Portability (Art. 20)
  rule('portability', /\bportab(?:le|ility)\b/),
  rule('portability', /\bmachine[- ]readable\b/),
  rule(
    'portability',
    new RegExp(String.raw`\b(?:transfer|move|port|transmit|send) (?:all )?(?:of )?my ${DATA} to (?:another|a new|my new|a different)\b`),
  ),
  rule('portability', /\bin (?:a )?(?:csv|json|xml) (?:format|file)\b/),
  rule('portability', /\barticle 20\b/),
  // Complaint about how Icetrak handles personal data (DPA 2018 s.164A)
  rule('complaint', /\b(?:complain|complaint|complaining|complaints)\b/),
];

const NEGATION = /^(?:not|no|never|without|nor|don't|dont|doesn't|didn't|cannot|can't|won't|wouldn't|shouldn't|mustn't|isn't|aren't)$/;
/** How many words before a keyword a negation still governs it ("do not want you to delete"). */
const NEGATION_WINDOW = 6;

/** Lower case, straight apostrophes, no quoted lines, split into clauses (a negation reaches no further). */
function clausesOf(text: string): string[] {
  return text
    .slice(0, TRIAGE_TEXT_LIMIT)
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .split(/\r?\n/)
    .filter((line) => !/^\s*>/.test(line))
    .join('\n')
    .split(/[.!?;:\n()]+|,|\b(?:but|however|although|though|instead)\b/)
    .map((clause) => clause.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

function negatedAt(clause: string, index: number): boolean {
  const before = clause.slice(0, index).split(' ').filter(Boolean);
  return before.slice(-NEGATION_WINDOW).some((word) => NEGATION.test(word.replace(/[^a-z']/g, '')));
}

/** The rights a free-text request asks for, in the canonical order of RIGHTS; [] when none is recognised. */
export function inferRights(text: string): Right[] {
  const found = new Set<Right>();
  for (const clause of clausesOf(text)) {
    for (const r of RULES) {
      if (found.has(r.right)) continue;
      const flags = r.pattern.flags.includes('g') ? r.pattern.flags : `${r.pattern.flags}g`;
      for (const match of clause.matchAll(new RegExp(r.pattern.source, flags))) {
        if (!r.negatable || !negatedAt(clause, match.index)) {
          found.add(r.right);
          break;
        }
      }
    }
  }
  return RIGHTS.filter((right) => found.has(right));
}
