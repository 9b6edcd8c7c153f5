import { describe, expect, it } from 'vitest';
import { TRIAGE_TEXT_LIMIT, inferRights } from '#domain/triage';

describe('inferRights', () => {
  it.each([
    ['a subject access request', 'Please treat this as a subject access request.', ['access']],
    ['a DSAR by its acronym', 'DSAR - account 4471', ['access']],
    ['a copy of the data', 'Can I have a copy of all the personal data you hold?', ['access']],
    ['what data is held', 'I want to know what personal data you hold about me', ['access']],
    ['erasure', 'Please delete my account and all my details.', ['erasure']],
    ['the right to be forgotten', 'I am exercising my right to be forgotten', ['erasure']],
    ['rectification', 'My address is wrong, please correct it.', ['rectification']],
    ['rectification by article', 'Under Article 16 UK GDPR I ask you to rectify my record.', ['rectification']],
    ['restriction', 'Please restrict processing of my data while this is checked.', ['restriction']],
    ['objection to marketing', 'Opt me out. I object to direct marketing.', ['objection']],
    ['an unsubscribe', 'unsubscribe', ['objection']],
    ['a negatively phrased objection', 'I no longer wish to receive your texts.', ['objection']],
    ['portability', 'Send my data in a machine-readable format (CSV file) so I can move it.', ['portability']],
    ['a complaint', 'I want to complain about how you handled my data.', ['complaint']],
  ])('recognises %s', (_what, text, rights) => {
    expect(inferRights(text)).toEqual(rights);
  });

  it('recognises several rights at once, in the canonical order', () => {
    const text = 'Please stop sending me offers (opt out), send me a copy of my data, and then erase everything. Also my name is inaccurate.';
    expect(inferRights(text)).toEqual(['access', 'rectification', 'erasure', 'objection']);
  });

  it.each([
    ["don't delete", "Please don't delete my account, I just want a copy of my data.", ['access']],
    ['do not want ... deleted', 'I do not want my data to be deleted. What data do you hold about me?', ['access']],
    ['never erase', 'Never erase anything; my details are incorrect though', ['rectification']],
    ['curly apostrophe', 'Please don’t delete it', []],
    ['no objection', 'I have no objection to you keeping my details', []],
    ['not a complaint', 'This is not a complaint, just a question about my bill', []],
  ])('ignores a negated keyword: %s', (_what, text, rights) => {
    expect(inferRights(text)).toEqual(rights);
  });

  it('lets a negation reach only its own clause', () => {
    expect(inferRights("I don't want to close my account, but please delete the old messages.")).toEqual(['erasure']);
  });

  it('skips lines quoted from earlier mail', () => {
    expect(inferRights('Thanks for your help.\n> We cannot delete your account while a bill is unpaid.')).toEqual([]);
  });

  it.each([
    ['a billing question', 'Hello, why was I charged twice this month?'],
    ['an empty message', ''],
    ['a foreign-language request', 'Bitte löschen Sie alle meine Daten.'],
    ['a word that merely contains a keyword', 'The sarcasm in your advert objectively annoyed me'],
  ])('returns no right for %s (the DPO triages it)', (_what, text) => {
    expect(inferRights(text)).toEqual([]);
  });

  it('reads only the first TRIAGE_TEXT_LIMIT characters', () => {
    expect(inferRights(`${'x '.repeat(TRIAGE_TEXT_LIMIT)} delete`)).toEqual([]);
    expect(inferRights(`delete ${'x '.repeat(TRIAGE_TEXT_LIMIT)}`)).toEqual(['erasure']);
  });
});
