// Table definitions: the row types every query is checked against. Instants are ISO 8601 UTC text.
import type { ColumnType, Insertable, Selectable } from 'kysely'

export interface UsersTable {
  id: string
  email: string
  /** Lower-cased e-mail: unique, so two spellings cannot make two accounts. */
  email_normalized: string
  display_name: string
  is_admin: number
  created_at: string
  /** Set when an admin disables the account: no sign-in, every session ended. */
  disabled_at: ColumnType<string | null, string | null | undefined, string | null>
  /** argon2id PHC string; null for vendor contacts and for invitees who have not set one. */
  password_hash: ColumnType<string | null, string | null | undefined, string | null>
  /** Base32 TOTP secret, set when enrolment is confirmed with a first code. */
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>
  totp_enabled_at: ColumnType<string | null, string | null | undefined, string | null>
  /** The last TOTP time step accepted; codes of that step or earlier are replays. */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>
}

export interface RecoveryCodesTable {
  user_id: string
  code_hash: string
  created_at: string
  used_at: string | null
}

export interface RfpRolesTable {
  rfp_id: string
  user_id: string
  role: string
  granted_by: string | null
  granted_at: string
}

export interface ApiTokensTable {
  id: string
  user_id: string
  name: string
  token_hash: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

export interface SignInFailuresTable {
  id: string
  key: string
  at: string
}

export interface VendorOrganisationsTable {
  id: string
  name: string
  name_normalized: string
  website: string | null
  created_at: string
}

export interface VendorContactsTable {
  user_id: string
  organisation_id: string
  created_at: string
}

export interface SessionsTable {
  id_hash: string
  user_id: string | null
  data: string
  created_at: string
  last_seen_at: string
  idle_expires_at: string
  absolute_expires_at: string
  user_agent: string | null
}

export interface SignInRequestsTable {
  id: string
  email_normalized: string
  created_at: string
}

export interface SignInTokensTable {
  token_hash: string
  user_id: string
  purpose: string
  created_at: string
  expires_at: string
  used_at: string | null
}

export interface RfpsTable {
  id: string
  slug: string
  state: string
  current_version: number
  created_by: string
  created_at: string
  updated_at: string
  published_at: string | null
  cancelled_at: ColumnType<string | null, string | null | undefined, string | null>
  /** Published with the cancellation. */
  cancel_reason: ColumnType<string | null, string | null | undefined, string | null>
}

export interface RfpInterestsTable {
  rfp_id: string
  organisation_id: string
  registered_by: string
  registered_at: string
}

export interface RfpAcknowledgementsTable {
  rfp_id: string
  version: number
  organisation_id: string
  acknowledged_by: string
  acknowledged_at: string
}

export interface RfpQuestionsTable {
  id: string
  rfp_id: string
  /** unconfirmed (asked by the public, link not yet opened), open, answered, rejected, merged. */
  status: string
  asked_by: string | null
  asker_email: string
  body: string
  asked_at: string
  confirm_token_hash: string | null
  confirm_expires_at: string | null
  /** The public number, given when answered. */
  number: number | null
  /** The question as published: the owner may reword it, e.g. to drop what would name the asker. */
  published_question: string | null
  answer: string | null
  answered_by: string | null
  answered_at: string | null
  /** Why it was rejected, or a note on a merge. */
  reason: string | null
  merged_into: string | null
  updated_at: string
}

export interface RfpVersionsTable {
  rfp_id: string
  number: number
  title: string
  summary: string
  time_zone: string
  questions_close_at: string
  proposals_due_at: string
  decision_expected_at: string
  /** JSON of the sections and rounds (RfpDraft less the columns above). */
  content: string
  reason: string | null
  created_by: string
  created_at: string
  /** Set when the version is frozen: at publication for version 1, at issue for amendments. */
  frozen_at: string | null
}

export interface AuditEventsTable {
  seq: number
  at: string
  type: string
  actor_id: string | null
  rfp_id: string | null
  is_public: number
  /** RFC 8785 canonical JSON, exactly as hashed. */
  data: string
  prev_hash: string
  hash: string
}

export interface HeartbeatsTable {
  instance: string
  at: string
}

export interface MailOutboxTable {
  id: string
  message_id: string
  template: string
  from_address: string
  to_address: string
  subject: string
  text_body: string
  html_body: string
  status: string
  attempts: number
  next_attempt_at: string
  lease_until: string | null
  claim_id: string | null
  last_error: string | null
  created_at: string
  sent_at: string | null
}

export interface RateLimitHitsTable {
  key: string
  window_start: string
  window_end: string
  count: number
}

export interface StoredFilesTable {
  id: string
  backend: string
  size: number
  sha256: string | null
  created_at: string
  committed_at: string | null
}

export interface StoredFileChunksTable {
  file_id: string
  n: number
  data: Uint8Array
}

export interface RfpOpeningKeysTable {
  rfp_id: string
  /** "proposals" or "price". */
  purpose: string
  /** Raw X25519 public key, base64url. */
  public_key: string
  wrapped_private_key: string
  custody: string
  instance_key_id: string
  created_at: string
}

export interface RfpOpeningsTable {
  rfp_id: string
  started_by: string
  started_at: string
  confirmed_by: string | null
  /** Set when the ceremony completes: from then on committee members who may read proposals can. */
  opened_at: string | null
}

export interface ProposalsTable {
  id: string
  rfp_id: string
  organisation_id: string
  /** DESIGN §2: submitted, withdrawn, non_responsive, disqualified, scored, shortlisted, selected, not_selected. */
  status: string
  current_version: number
  status_reason: string | null
  created_at: string
  updated_at: string
}

export interface ProposalVersionsTable {
  proposal_id: string
  number: number
  /** The RFP version the vendor submitted against. */
  rfp_version: number
  submitted_by: string
  submitted_at: string
  /** The receipt manifest, in canonical JSON. */
  manifest: string
  receipt_hash: string
  /** Sealed summary and personnel, base64url. */
  sealed_content: string
  /** The sealed price envelope, base64url; null when the RFP does not score price. */
  sealed_price: string | null
}

export interface ProposalFilesTable {
  proposal_id: string
  version: number
  n: number
  part: string
  stored_file_id: string
  original_name: string
  file_type: string
  size: number
  sha256: string
}

export interface ProposalPartnersTable {
  proposal_id: string
  version: number
  organisation_id: string
  confirm_token_hash: string
  confirmed_by: string | null
  confirmed_at: string | null
}

export interface EvaluatorAttestationsTable {
  rfp_id: string
  user_id: string
  /** The attestation exactly as it was shown. */
  text: string
  /** 1 when the member agreed to be named in the public record rather than "Evaluator n". */
  may_be_named: number
  attested_at: string
}

export interface EvaluatorConflictsTable {
  rfp_id: string
  user_id: string
  organisation_id: string
  /** employment, financial or other. */
  kind: string
  note: string
  declared_at: string
}

export interface ScoringRoundsTable {
  rfp_id: string
  /** 1-based, the RFP's rounds in order. */
  round: number
  started_at: string
  closed_by: string | null
  closed_at: string | null
}

export interface RoundProposalsTable {
  rfp_id: string
  round: number
  proposal_id: string
}

export interface ScoreSheetsTable {
  rfp_id: string
  round: number
  proposal_id: string
  user_id: string
  /** Null while a draft; a submitted sheet changed again is a draft until submitted again. */
  submitted_at: string | null
  updated_at: string
}

export interface ScoresTable {
  rfp_id: string
  round: number
  proposal_id: string
  user_id: string
  criterion_id: string
  /** Null in a draft that has a comment but no score yet. */
  score: number | null
  comment: string
  updated_at: string
}

export interface ScoreHistoryTable {
  rfp_id: string
  round: number
  proposal_id: string
  user_id: string
  criterion_id: string
  seq: number
  score: number | null
  comment: string
  saved_at: string
  submitted: number
}

export interface SealedScoreSheetsTable {
  rfp_id: string
  round: number
  user_id: string
  /** "Evaluator n": how the public record names the evaluator unless they agreed to be named. */
  label: string
  /** The sheet in RFC 8785 canonical JSON, salt included, exactly as hashed. */
  sheet: string
  hash: string
}

export interface ConsensusScoresTable {
  rfp_id: string
  round: number
  proposal_id: string
  criterion_id: string
  score: number
  reason: string
  recorded_by: string
  recorded_at: string
}

export interface GateResultsTable {
  rfp_id: string
  round: number
  proposal_id: string
  criterion_id: string
  passed: number
  reason: string
  recorded_by: string
  recorded_at: string
}

export interface PriceOpeningsTable {
  rfp_id: string
  opened_by: string
  opened_at: string
}

export interface ProposalPricesTable {
  proposal_id: string
  rfp_id: string
  amount: string
  currency: string
  notes: string
}

export interface DecisionsTable {
  rfp_id: string
  rationale: string
  rounds_used: number
  decided_by: string
  decided_at: string
}

export interface VendorNamingTable {
  proposal_id: string
  may_be_named: number
  chosen_by: string
  chosen_at: string
}

/** A bidder's objection to the decision; resolution, response, responded_by and responded_at are set together, once. */
export interface ProtestsTable {
  id: string
  rfp_id: string
  proposal_id: string
  grounds: string
  filed_by: string
  filed_at: string
  /** Null while it awaits the owners' answer; then 'upheld' or 'dismissed'. */
  resolution: string | null
  response: string | null
  responded_by: string | null
  responded_at: string | null
}

/** A checkpoint of the transparency log the instance signed: append-only. */
export interface TransparencyCheckpointsTable {
  size: number
  root_hash: string
  note: string
  signed_at: string
}

export interface Database {
  users: UsersTable
  rfps: RfpsTable
  rfp_versions: RfpVersionsTable
  audit_events: AuditEventsTable
  transparency_checkpoints: TransparencyCheckpointsTable
  heartbeats: HeartbeatsTable
  mail_outbox: MailOutboxTable
  vendor_organisations: VendorOrganisationsTable
  vendor_contacts: VendorContactsTable
  sessions: SessionsTable
  sign_in_tokens: SignInTokensTable
  sign_in_requests: SignInRequestsTable
  recovery_codes: RecoveryCodesTable
  rfp_roles: RfpRolesTable
  api_tokens: ApiTokensTable
  sign_in_failures: SignInFailuresTable
  rate_limit_hits: RateLimitHitsTable
  stored_files: StoredFilesTable
  stored_file_chunks: StoredFileChunksTable
  rfp_interests: RfpInterestsTable
  rfp_acknowledgements: RfpAcknowledgementsTable
  rfp_questions: RfpQuestionsTable
  rfp_opening_keys: RfpOpeningKeysTable
  rfp_openings: RfpOpeningsTable
  proposals: ProposalsTable
  proposal_versions: ProposalVersionsTable
  proposal_files: ProposalFilesTable
  proposal_partners: ProposalPartnersTable
  evaluator_attestations: EvaluatorAttestationsTable
  evaluator_conflicts: EvaluatorConflictsTable
  scoring_rounds: ScoringRoundsTable
  round_proposals: RoundProposalsTable
  score_sheets: ScoreSheetsTable
  scores: ScoresTable
  score_history: ScoreHistoryTable
  sealed_score_sheets: SealedScoreSheetsTable
  consensus_scores: ConsensusScoresTable
  gate_results: GateResultsTable
  price_openings: PriceOpeningsTable
  proposal_prices: ProposalPricesTable
  decisions: DecisionsTable
  vendor_naming: VendorNamingTable
  protests: ProtestsTable
}

export type UserRow = Selectable<UsersTable>
export type RfpRow = Selectable<RfpsTable>
export type RfpVersionRow = Selectable<RfpVersionsTable>
export type NewRfpVersion = Insertable<RfpVersionsTable>
export type RfpQuestionRow = Selectable<RfpQuestionsTable>
export type AuditEventRow = Selectable<AuditEventsTable>
export type MailOutboxRow = Selectable<MailOutboxTable>
