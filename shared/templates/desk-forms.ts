/**
 * The desk's form controls: each has a label, its hint and error tied to it by
 * aria-describedby, and an id the error summary links to. Several forms share one page (the
 * case's actions), so each control's id takes the form's prefix: `extend-reasons`.
 */
import { h, raw, type RawHtml } from '#http/html';
import { choiceOptions } from './choices';

/** A rejected body's values: only strings are shown again; anything else is dropped, never converted. */
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

export interface FormState {
  /** Prefix of every control id in the form ('' for a page with one form). */
  prefix: string;
  values: Record<string, unknown>;
  errors: Record<string, string>;
}

export const idOf = (state: Pick<FormState, 'prefix'>, name: string): string =>
  (state.prefix ? `${state.prefix}-${name}` : name).replace(/[^A-Za-z0-9_-]/g, '-');

function errorMessage(id: string, message: string | undefined): RawHtml {
  return message ? h`<p class="msg" id="${id}-error"><span class="visually-hidden">Error: </span>${message}</p>` : raw('');
}

const describedBy = (id: string, hint: boolean, error: string | undefined): RawHtml => {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids ? h` aria-describedby="${ids}"` : raw('');
};
const invalid = (error: string | undefined): RawHtml => raw(error ? ' aria-invalid="true"' : '');
const hintOf = (id: string, hint: string | undefined): RawHtml | string => (hint ? h`<p class="hint" id="${id}-hint">${hint}</p>` : '');

interface FieldOpts {
  name: string;
  label: string;
  hint?: string;
  state: FormState;
  maxLength?: number;
}

const maxLengthOf = (n: number | undefined): RawHtml => (n ? h` maxlength="${n}"` : raw(''));

export function textField(opts: FieldOpts & { type?: 'text' | 'email' | 'tel' | 'date'; autocomplete?: string; spellcheck?: boolean }): RawHtml {
  const id = idOf(opts.state, opts.name);
  const error = opts.state.errors[opts.name];
  return h`<div class="field${error ? ' error' : ''}">
<label for="${id}">${opts.label}</label>
${hintOf(id, opts.hint)}
${errorMessage(id, error)}
<input type="${opts.type ?? 'text'}" id="${id}" name="${opts.name}" value="${str(opts.state.values[opts.name])}"${maxLengthOf(opts.maxLength)}${raw(opts.autocomplete ? ` autocomplete="${opts.autocomplete}"` : '')}${raw(opts.spellcheck === false ? ' spellcheck="false"' : '')}${describedBy(id, Boolean(opts.hint), error)}${invalid(error)}>
</div>`;
}

export function textArea(opts: FieldOpts & { rows?: number }): RawHtml {
  const id = idOf(opts.state, opts.name);
  const error = opts.state.errors[opts.name];
  return h`<div class="field${error ? ' error' : ''}">
<label for="${id}">${opts.label}</label>
${hintOf(id, opts.hint)}
${errorMessage(id, error)}
<textarea id="${id}" name="${opts.name}" rows="${opts.rows ?? 5}"${maxLengthOf(opts.maxLength)}${describedBy(id, Boolean(opts.hint), error)}${invalid(error)}>${str(opts.state.values[opts.name])}</textarea>
</div>`;
}

export interface Option {
  value: string;
  label: string;
  hint?: string;
}

/** The id a choice group's error summary link goes to: its first option. */
export const choiceAnchor = (state: Pick<FormState, 'prefix'>, name: string, first: string): string => `${idOf(state, name)}-${first}`;

export function choices(opts: {
  name: string;
  legend: string;
  hint?: string;
  type: 'radio' | 'checkbox';
  options: readonly Option[];
  state: FormState;
}): RawHtml {
  const id = idOf(opts.state, opts.name);
  const error = opts.state.errors[opts.name];
  const chosen = list(opts.state.values[opts.name]);
  return h`<div class="field${error ? ' error' : ''}">
<fieldset${describedBy(id, Boolean(opts.hint), error)}>
<legend>${opts.legend}</legend>
${hintOf(id, opts.hint)}
${errorMessage(id, error)}
${choiceOptions({ id, name: opts.name, type: opts.type, options: opts.options, chosen })}
</fieldset>
</div>`;
}

/** One checkbox on its own (a yes/no question), posting `value` when ticked. */
export function checkbox(opts: { name: string; label: string; hint?: string; value?: string; state: FormState }): RawHtml {
  const id = idOf(opts.state, opts.name);
  const error = opts.state.errors[opts.name];
  const v = opts.state.values[opts.name];
  const ticked = v === true || (typeof v === 'string' && ['on', 'yes', 'true'].includes(v));
  return h`<div class="field${error ? ' error' : ''}">
${errorMessage(id, error)}
<div class="choice">
<input type="checkbox" id="${id}" name="${opts.name}" value="${opts.value ?? 'yes'}"${raw(ticked ? ' checked' : '')}${describedBy(id, Boolean(opts.hint), error)}${invalid(error)}>
<div><label for="${id}">${opts.label}</label>${hintOf(id, opts.hint)}</div>
</div>
</div>`;
}

export function select(opts: { name: string; label: string; hint?: string; options: readonly Option[]; blank?: string; state: FormState }): RawHtml {
  const id = idOf(opts.state, opts.name);
  const error = opts.state.errors[opts.name];
  const chosen = str(opts.state.values[opts.name]);
  return h`<div class="field${error ? ' error' : ''}">
<label for="${id}">${opts.label}</label>
${hintOf(id, opts.hint)}
${errorMessage(id, error)}
<select id="${id}" name="${opts.name}"${describedBy(id, Boolean(opts.hint), error)}${invalid(error)}>
${opts.blank !== undefined ? h`<option value="">${opts.blank}</option>` : ''}
${opts.options.map((o) => h`<option value="${o.value}"${raw(chosen === o.value ? ' selected' : '')}>${o.label}</option>`)}
</select>
</div>`;
}

/**
 * The error summary: one link per field error, to the id `anchors` gives (fields not in
 * `anchors`, such as `action` or a field no control shows, are listed as plain text).
 */
export function errorSummary(errors: Record<string, string>, anchors: ReadonlyArray<readonly [field: string, id: string]>): RawHtml | string {
  const keys = Object.keys(errors);
  if (keys.length === 0) return '';
  const anchored = anchors.filter(([f]) => errors[f] !== undefined);
  const rest = keys.filter((k) => !anchored.some(([f]) => f === k));
  return h`<div class="summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">There is a problem</h2>
<ul>
${anchored.map(([f, id]) => h`<li><a href="#${id}">${errors[f]}</a></li>`)}
${rest.map((f) => h`<li>${errors[f]}</li>`)}
</ul>
</div>`;
}
