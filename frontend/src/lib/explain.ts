// Words for why the classifier chose a topic, and for how it is doing on
// this library (the measures in Settings). Pure functions, so the
// components stay small and the wording is tested.

import type { ClassifierStats } from './types';

/** Names of the providers as a person reads them. */
const PROVIDERS: Record<string, string> = {
  builtin: 'The built-in classifier',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  ollama: 'Ollama',
};

/** A provider's name for a sentence ("OpenAI"); unknown ones as they are. */
export function providerName(provider: string): string {
  return PROVIDERS[provider] ?? provider;
}

/**
 * Why a topic was suggested or applied: "because: invoice, vat, amount
 * due" from the words that weighed most (or the provider's own reason).
 * Without reasons, a provider other than the built-in one is said to have
 * given none; otherwise there is nothing to say ("").
 */
export function reasonText(reasons: string[] | undefined, provider?: string): string {
  const list = (reasons ?? []).map((r) => r.trim()).filter((r) => r !== '');
  if (list.length > 0) return `because: ${list.join(', ')}`;
  if (provider && provider !== 'builtin') return `${providerName(provider)} gave no reason.`;
  return '';
}

/** A share as a whole percentage ("75%"), or "—" when there is none. */
export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  return `${Math.round(share * 100)}%`;
}

/** One measure of the classifier, as Settings lists it. */
export interface Measure {
  label: string;
  value: string;
  detail: string;
}

/** The measures Settings shows, from the server's counts. */
export function measures(s: ClassifierStats): Measure[] {
  const applied = s.kept + s.removed;
  const suggested = s.accepted + s.rejected;
  return [
    {
      label: 'Applied topics kept',
      value: percent(s.kept_share),
      detail: applied === 0 ? 'No applied topic decided yet.' : `${s.kept} of ${applied} kept, ${s.removed} removed.`,
    },
    {
      label: 'Suggestions accepted',
      value: percent(s.accepted_share),
      detail: suggested === 0 ? 'No suggestion decided yet.' : `${s.accepted} of ${suggested} accepted, ${s.rejected} rejected.`,
    },
  ];
}

/** What the measures are counted over, in a sentence. */
export function measuresScope(s: ClassifierStats): string {
  if (s.decisions === 0) return 'Measured on your decisions about its work: none yet.';
  if (s.decisions < s.window) return `Measured on your ${s.decisions} decision${s.decisions === 1 ? '' : 's'} about its work so far.`;
  return `Measured on your last ${s.window} decisions about its work.`;
}
