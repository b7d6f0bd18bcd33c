// Payer aliases: several payer names or ids found in the files that are one payer to the office (a
// payer renamed, bought, or sending under a second id). Set in the config file; applied to each
// remittance's payer (and a claim's second payer) before anything is counted, linked or recorded, so the
// summary, linking's same-payer rule, the ledger and every report see one payer.

import { payerId } from './build-rows.js';
import type { Party, Remittance } from '../remit/model.js';

export interface PayerAlias {
  /** The payer's id as reports show it (payer_id). */
  id: string;
  /** The payer's name as reports show it (payer_name). */
  name: string;
  /** Names (any case, spaces trimmed) and ids in the files that are this payer. */
  aliases: readonly string[];
}

const norm = (s: string): string => s.trim().replace(/\s+/g, ' ').toUpperCase();

export class PayerAliases {
  private readonly byId = new Map<string, PayerAlias>();
  private readonly byName = new Map<string, PayerAlias>();
  private readonly done = new WeakSet<object>();

  constructor(list: readonly PayerAlias[]) {
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

  /** Renames the remittance's payer (once) when its id or name is an alias. */
  apply(r: Remittance): void {
    if (this.done.has(r)) return;
    this.done.add(r);
    this.rename(r.payer, payerId(r));
  }

  /** Renames a claim's second payer (REMIT_SECOND_PARTY) when it is an alias. */
  applyParty(p: Party): void {
    if (this.done.has(p)) return;
    this.done.add(p);
    this.rename(p, p.id || p.additionalId);
  }

  private rename(p: Party, id: string): void {
    const to = (id !== '' ? this.byId.get(id) : undefined) ?? this.byName.get(norm(p.name));
    if (to === undefined) return;
    p.name = to.name;
    p.id = to.id;
  }
}
