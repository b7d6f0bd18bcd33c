// The report rows: column names are a public contract (CSV headers, JSON keys; snake_case; amounts as
// decimal text with two places signed as in the file; dates YYYY-MM-DD). Declared once here and used by
// the scanner that fills rows and by every renderer.

export type ReportName =
  | 'payments'
  | 'offsets'
  | 'claims'
  | 'adjustments'
  | 'summary'
  | 'balances'
  | 'aging'
  | 'deposits'
  | 'suspense'
  | 'reversals'
  // `recoup review list` and `recoup review history` (issue 16): not asked for with --report
  | 'queue'
  | 'history';

/** The reports --report and `recoup report` name (the review commands have their own). */
export const REPORT_NAMES: readonly ReportName[] = ['summary', 'payments', 'offsets', 'claims', 'adjustments', 'balances', 'aging', 'deposits', 'suspense', 'reversals'];

export type ColumnKind = 'text' | 'amount' | 'count' | 'date' | 'flag' | 'code';

export interface Column {
  key: string;
  kind: ColumnKind;
  /** Short header for terminal tables. */
  label?: string;
  /** Holds patient data (masked by --redact). */
  phi?: boolean;
}

const c = (key: string, kind: ColumnKind = 'text', extra: Partial<Column> = {}): Column => ({ key, kind, ...extra });

export const LINK_COLUMNS: readonly Column[] = [
  c('link_basis', 'code'),
  c('linked_pcn'),
  c('linked_icn'),
  c('linked_patient', 'text', { phi: true }),
  c('linked_trace_number'),
  c('linked_payment_date', 'date'),
  c('linked_file'),
  c('linked_claim_paid', 'amount'),
  c('link_note'),
];

export const COLUMNS: Readonly<Record<ReportName, readonly Column[]>> = {
  payments: [
    c('file'),
    c('interchange_control'),
    c('transaction_control'),
    c('payer_name'),
    c('payer_id'),
    c('payee_name'),
    c('payee_id'),
    c('trace_number'),
    c('payment_date', 'date'),
    c('payment_method', 'code'),
    c('handling_code', 'code'),
    c('paid', 'amount'),
    c('claims', 'count'),
    c('claims_paid', 'count'),
    c('provider_adjustments', 'amount'),
    c('withheld', 'amount'),
    c('added', 'amount'),
    c('balanced', 'flag'),
    c('difference', 'amount'),
  ],
  offsets: [
    c('file'),
    c('transaction_control'),
    c('payer_name'),
    c('payer_id'),
    c('trace_number'),
    c('payment_date', 'date'),
    c('provider_id'),
    c('fiscal_period_date', 'date'),
    c('reason_code', 'code'),
    c('reason'),
    c('category', 'code'),
    c('reference'),
    c('amount', 'amount'),
    ...LINK_COLUMNS,
    c('escalate', 'flag'),
    // the review work queue (issue 16): the stable id typed into `recoup review`, the status the ledger
    // holds (empty without a ledger: nothing is remembered), the last day to appeal
    c('offset_id'),
    c('review_status', 'code'),
    c('appeal_deadline', 'date'),
  ],
  claims: [
    c('file'),
    c('trace_number'),
    c('payer_name'),
    c('pcn'),
    c('status_code', 'code'),
    c('status'),
    c('charge', 'amount'),
    c('paid', 'amount'),
    c('patient_responsibility', 'amount'),
    c('icn'),
    c('patient_name', 'text', { phi: true }),
    c('member_id', 'text', { phi: true }),
    c('service_date', 'date'),
    c('claim_adjustments', 'amount'),
    c('service_adjustments', 'amount'),
    c('interest', 'amount'),
    c('reversal', 'flag'),
    c('corrects_icn'),
    c('balanced', 'flag'),
    c('reverses_trace_number'),
    c('reverses_payment_date', 'date'),
  ],
  adjustments: [
    c('file'),
    c('trace_number'),
    c('pcn'),
    c('icn'),
    c('level', 'code'),
    c('procedure'),
    c('service_date', 'date'),
    c('group_code', 'code'),
    c('group'),
    c('reason_code', 'code'),
    c('reason'),
    c('amount', 'amount'),
    // CAS04 as written (a count of units, or a decimal); not an amount, and not always a whole number
    c('quantity'),
    c('reversal', 'flag'),
  ],
  summary: [
    c('payer_name'),
    c('payer_id'),
    c('checks', 'count'),
    c('paid', 'amount'),
    c('claim_payments', 'amount'),
    c('claims_paid', 'count'),
    c('provider_adjustments', 'amount'),
    c('taken_back', 'amount'),
    c('deferred', 'amount'),
    c('refunds_acknowledged', 'amount'),
    c('interest', 'amount'),
    c('penalties', 'amount'),
    c('withholding', 'amount'),
    c('other', 'amount'),
    c('unbalanced', 'count'),
    c('linked_offsets', 'count'),
    c('linked_amount', 'amount'),
    c('ambiguous_offsets', 'count'),
    c('ambiguous_amount', 'amount'),
    c('unlinked_offsets', 'count'),
    c('unlinked_amount', 'amount'),
    c('gross_claim_payments', 'amount'),
    c('offset_rate_percent', 'amount'),
    c('avg_recoupment_lag_days', 'amount'),
    c('net_cash_impact', 'amount'),
    c('escalated_offsets', 'count'),
    c('escalated_amount', 'amount'),
    c('unlinked_recoupments', 'count'),
    c('unlinked_recoupments_amount', 'amount'),
    // bank deposits (empty when no bank statement was read: unknown, not zero)
    c('deposits_found', 'count'),
    c('eras_without_deposit', 'count'),
    c('eras_without_deposit_amount', 'amount'),
    // the review work queue (issue 16; empty without a ledger: unknown, not zero)
    c('appeals_filed', 'count'),
    c('appeals_won', 'count'),
    c('appeals_lost', 'count'),
    c('appeal_success_percent', 'amount'),
    c('recovered_through_appeals', 'amount'),
    c('appeals_net_cash_impact', 'amount'),
    c('escalated_undecided', 'count'),
  ],
  balances: [
    c('payer_name'),
    c('payer_id'),
    c('deferred_date', 'date'),
    c('trace_number'),
    c('file'),
    c('reason_code', 'code'),
    c('reference'),
    c('deferred', 'amount'),
    c('collected', 'amount'),
    c('outstanding', 'amount'),
    c('age_days', 'count'),
    c('last_collected_date', 'date'),
    c('status', 'code'),
    c('link_basis', 'code'),
    c('linked_pcn'),
    c('linked_icn'),
    c('linked_patient', 'text', { phi: true }),
  ],
  aging: [
    c('payer_name'),
    c('payer_id'),
    c('kind', 'code'),
    c('items', 'count'),
    c('days_0_30', 'amount'),
    c('days_31_60', 'amount'),
    c('days_61_90', 'amount'),
    c('days_over_90', 'amount'),
    c('undated', 'amount'),
    c('total', 'amount'),
    c('oldest_date', 'date'),
    c('as_of', 'date'),
  ],
  // one row per bank line and one per remittance that expects money no deposit carries (issue 14)
  deposits: [
    c('status', 'code'),
    c('match_basis', 'code'),
    c('deposit_date', 'date'),
    c('deposit_amount', 'amount'),
    c('bank_file'),
    c('bank_line', 'count'),
    c('bank_reference'),
    c('bank_text'),
    c('payer_name'),
    c('payer_id'),
    c('trace_numbers'),
    c('era_paid', 'amount'),
    c('difference', 'amount'),
    c('days_to_deposit', 'count'),
    c('claim_payments', 'amount'),
    c('provider_adjustments', 'amount'),
    c('offsets', 'count'),
    c('files'),
    c('note'),
  ],
  // the monthly suspense check (issue 16): recoupments and deferrals no single claim explains, oldest first
  suspense: [
    c('offset_id'),
    c('review_status', 'code'),
    c('payer_name'),
    c('payer_id'),
    c('payment_date', 'date'),
    c('age_days', 'count'),
    c('age_bucket', 'code'),
    c('trace_number'),
    c('reason_code', 'code'),
    c('category', 'code'),
    c('reference'),
    c('amount', 'amount'),
    c('link_basis', 'code'),
    c('link_note'),
    c('file'),
  ],
  // the payment-reversal log (issue 16): each reversal (CLP02 22) with the payment it takes back, the
  // claim that corrects it, and the offsets linked to any of them (how the money was collected)
  reversals: [
    c('payer_name'),
    c('payer_id'),
    c('pcn'),
    c('patient_name', 'text', { phi: true }),
    c('reversal_date', 'date'),
    c('reversal_trace_number'),
    c('reversal_icn'),
    c('reversed', 'amount'),
    c('original_payment_date', 'date'),
    c('original_trace_number'),
    c('correction_date', 'date'),
    c('correction_trace_number'),
    c('correction_icn'),
    c('correction_paid', 'amount'),
    c('net_change', 'amount'),
    c('offsets', 'count'),
    c('deferred', 'amount'),
    c('collected', 'amount'),
    c('offset_ids'),
    c('file'),
  ],
  // `recoup review list`: the offsets rows a person works through, with their review state
  queue: [
    c('offset_id'),
    c('review_status', 'code'),
    c('appeal_deadline', 'date'),
    c('days_left', 'count'),
    c('escalate', 'flag'),
    c('payer_name'),
    c('payer_id'),
    c('payment_date', 'date'),
    c('trace_number'),
    c('reason_code', 'code'),
    c('category', 'code'),
    c('reference'),
    c('amount', 'amount'),
    c('recovered', 'amount'),
    c('link_basis', 'code'),
    c('linked_pcn'),
    c('linked_icn'),
    c('linked_patient', 'text', { phi: true }),
    c('last_by'),
    c('last_at'),
    c('last_note'),
    c('file'),
  ],
  // `recoup review history <id>`: the audit trail, as recorded (never changed)
  history: [
    c('offset_id'),
    c('seq', 'count'),
    c('at'),
    c('by'),
    c('from_status', 'code'),
    c('to_status', 'code'),
    c('recovered', 'amount'),
    c('note'),
  ],
};

/** A report row: every value is text, already formatted. */
export type Row = Record<string, string>;

export function columnKeys(report: ReportName): string[] {
  return COLUMNS[report].map((col) => col.key);
}
