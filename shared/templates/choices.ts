/** The radio buttons or checkboxes of one choice group, as the public form and the desk both draw them (GOV.UK pattern). */
import { h, raw, type RawHtml } from '#http/html';

export interface ChoiceOption {
  value: string;
  label: string;
  hint?: string;
}

/** One input and its label (and hint) per option; `id` is the group's id, each option's id is `${id}-${value}`. */
export function choiceOptions(opts: {
  id: string;
  name: string;
  type: 'radio' | 'checkbox';
  options: readonly ChoiceOption[];
  chosen: readonly unknown[];
}): RawHtml[] {
  const { id } = opts;
  return opts.options.map(
    (o) => h`<div class="choice">
<input type="${opts.type}" id="${id}-${o.value}" name="${opts.name}" value="${o.value}"${raw(o.hint ? ` aria-describedby="${id}-${o.value}-hint"` : '')}${raw(opts.chosen.includes(o.value) ? ' checked' : '')}>
${o.hint ? h`<div><label for="${id}-${o.value}">${o.label}</label><p class="hint" id="${id}-${o.value}-hint">${o.hint}</p></div>` : h`<label for="${id}-${o.value}">${o.label}</label>`}
</div>`,
  );
}
