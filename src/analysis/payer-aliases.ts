// Payer aliases: several payer names or ids found in the files that are one payer to the office (a
// payer renamed, bought, or sending under a second id). Set in the config file; applied to each
// remittance's payer (and a claim's second payer) before anything is counted, linked or recorded, so the
// summary, linking's same-payer rule, the ledger and every report see one payer.

import type { Party } from '../remit/model.js';

/** What renaming touches of a party (a Party, or a remittance head's payer). */
type PartyNames = Pick<Party, 'name' | 'id' | 'additionalId'>;

/** The same spelling rule for matching and for the config's collision check. */
export const normalizePayerName = (s: string): string => s.trim().replace(/\s+/g, ' ').toUpperCase();

export interface PayerAlias {
  /** The payer's id as reports show it (payer_id). */
  id: string;
  /** The payer's name as reports show it (payer_name). */
  name: string;
  /** Names (any case, spaces trimmed) and ids in the files that are this payer. */
  aliases: readonly string[];
}

const norm = normalizePayerName;

export class PayerAliases {
  private readonly byId = new Map<string, PayerAlias>();
  private readonly byName = new Map<string, PayerAlias>();
  private readonly done = new WeakSet<object>();

  /** The config's entries, as given (a worker thread makes its own PayerAliases from them). */
  readonly list: readonly PayerAlias[];

  constructor(list: readonly PayerAlias[]) {
    this.list = list.map((p) => ({ id: p.id, name: p.name, aliases: [...p.aliases] }));
    for (const p of list) {
      for (const a of [p.id, p.name, ...p.aliases]) {
        this.byId.set(a.trim(), p);
        this.byName.set(norm(a), p);
      }
    }
  }

  get size(): number {
    return this.byId.size;
  }

  /** The payer an id or name (as found in files, or typed by a user) stands for, if it is one of them. */
  find(idOrName: string): PayerAlias | undefined {
    return this.byId.get(idOrName.trim()) ?? this.byName.get(norm(idOrName));
  }

  /** Renames the remittance's payer (once) when its id (or, with no id, its name) is an alias. */
  apply(r: { payer: PartyNames; trace: { payerId: string } }): void {
    if (this.done.has(r)) return;
    this.done.add(r);
    // the payer's id as payerId() reads it: N1*PR N104, else REF*2U, else TRN03
    this.rename(r.payer, r.payer.id || r.payer.additionalId || r.trace.payerId);
  }

  /** The payer id an id stands for (a claim recorded before an alias was set). */
  idOf(id: string): string {
    return this.byId.get(id.trim())?.id ?? id;
  }

  /** The payer name a name stands for (a claim row's payer_name recorded before an alias was set). */
  nameOf(name: string): string {
    return this.byName.get(norm(name))?.name ?? name;
  }

  /** Renames a claim's second payer (REMIT_SECOND_PARTY) when it is an alias. */
  applyParty(p: Party): void {
    if (this.done.has(p)) return;
    this.done.add(p);
    this.rename(p, p.id || p.additionalId);
  }

  private rename(p: PartyNames, id: string): void {
    // by id when the file carries one; by name only when it carries none — another payer may share a
    // listed payer's name under its own id, and must not be taken for it
    const to = id !== '' ? this.byId.get(id) : this.byName.get(norm(p.name));
    if (to === undefined) return;
    p.name = to.name;
    p.id = to.id;
  }
}
