// Evaluation: attestations and conflicts, scores with their history, the closing of each round with the
// hashes of the score sheets, consensus scores and gate outcomes beside the individual scores, the price
// envelope, and the decision with each vendor's choice to be named. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  // DESIGN §3.4: recorded before a member reads any proposal, with the very text shown.
  await db.schema.createTable('evaluator_attestations')
    .addColumn('rfp_id', 'text', (c) => c.notNull().references('rfps.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('may_be_named', 'integer', (c) => c.notNull())
    .addColumn('attested_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('evaluator_attestations_pk', ['rfp_id', 'user_id'])
    .execute()

  // A declared conflict recuses its member from that vendor's proposal for good: it is part of the record.
  await db.schema.createTable('evaluator_conflicts')
    .addColumn('rfp_id', 'text', (c) => c.notNull().references('rfps.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('vendor_organisations.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('declared_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('evaluator_conflicts_pk', ['rfp_id', 'user_id', 'organisation_id'])
    .execute()

  // Round 1 starts at the opening; a later round starts with its shortlist. Closing locks its scores.
  await db.schema.createTable('scoring_rounds')
    .addColumn('rfp_id', 'text', (c) => c.notNull().references('rfps.id'))
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('closed_by', 'text', (c) => c.references('users.id'))
    .addColumn('closed_at', 'text')
    .addPrimaryKeyConstraint('scoring_rounds_pk', ['rfp_id', 'round'])
    .execute()

  // The proposals a round scores: every standing proposal in round 1, the shortlist afterwards.
  await db.schema.createTable('round_proposals')
    .addColumn('rfp_id', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('proposal_id', 'text', (c) => c.notNull().references('proposals.id'))
    .addPrimaryKeyConstraint('round_proposals_pk', ['rfp_id', 'round', 'proposal_id'])
    .addForeignKeyConstraint('round_proposals_round', ['rfp_id', 'round'], 'scoring_rounds', ['rfp_id', 'round'])
    .execute()

  // One evaluator's sheet for one proposal in one round: a draft until submitted; submitted sheets count.
  await db.schema.createTable('score_sheets')
    .addColumn('rfp_id', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('proposal_id', 'text', (c) => c.notNull().references('proposals.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('submitted_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('score_sheets_pk', ['rfp_id', 'round', 'proposal_id', 'user_id'])
    .addForeignKeyConstraint('score_sheets_round', ['rfp_id', 'round'], 'scoring_rounds', ['rfp_id', 'round'])
    .execute()

  // The current score of each cell; every save is also appended to score_history, which is never changed.
  await db.schema.createTable('scores')
    .addColumn('rfp_id', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('proposal_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('criterion_id', 'text', (c) => c.notNull())
    .addColumn('score', 'integer')
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('scores_pk', ['rfp_id', 'round', 'proposal_id', 'user_id', 'criterion_id'])
    .addForeignKeyConstraint('scores_sheet', ['rfp_id', 'round', 'proposal_id', 'user_id'], 'score_sheets', ['rfp_id', 'round', 'proposal_id', 'user_id'])
    .execute()

  await db.schema.createTable('score_history')
    .addColumn('rfp_id', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('proposal_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('criterion_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('score', 'integer')
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('saved_at', 'text', (c) => c.notNull())
    .addColumn('submitted', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('score_history_pk', ['rfp_id', 'round', 'proposal_id', 'user_id', 'criterion_id', 'seq'])
    .addForeignKeyConstraint('score_history_sheet', ['rfp_id', 'round', 'proposal_id', 'user_id'], 'score_sheets', ['rfp_id', 'round', 'proposal_id', 'user_id'])
    .execute()

  // Written when a round closes: each evaluator's submitted scores in that round, in canonical JSON with a
  // random salt, and its hash, which the public event records. The salt keeps a handful of small integers
  // from being guessed from the hash before the decision publishes them.
  await db.schema.createTable('sealed_score_sheets')
    .addColumn('rfp_id', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('sheet', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addPrimaryKeyConstraint('sealed_score_sheets_pk', ['rfp_id', 'round', 'user_id'])
    .addForeignKeyConstraint('sealed_score_sheets_round', ['rfp_id', 'round'], 'scoring_rounds', ['rfp_id', 'round'])
    .execute()

  // Beside, never over, the individual scores (DESIGN §3.3).
  await db.schema.createTable('consensus_scores')
    .addColumn('rfp_id', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('proposal_id', 'text', (c) => c.notNull().references('proposals.id'))
    .addColumn('criterion_id', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('consensus_scores_pk', ['rfp_id', 'round', 'proposal_id', 'criterion_id'])
    .addForeignKeyConstraint('consensus_scores_round', ['rfp_id', 'round'], 'scoring_rounds', ['rfp_id', 'round'])
    .execute()

  // Pass/fail criteria are judged once per proposal by the committee, with the reason.
  await db.schema.createTable('gate_results')
    .addColumn('rfp_id', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('proposal_id', 'text', (c) => c.notNull().references('proposals.id'))
    .addColumn('criterion_id', 'text', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('gate_results_pk', ['rfp_id', 'round', 'proposal_id', 'criterion_id'])
    .addForeignKeyConstraint('gate_results_round', ['rfp_id', 'round'], 'scoring_rounds', ['rfp_id', 'round'])
    .execute()

  // The price envelope once opened; the prices are published with the decision, so they are kept in clear.
  await db.schema.createTable('price_openings')
    .addColumn('rfp_id', 'text', (c) => c.primaryKey().notNull().references('rfps.id'))
    .addColumn('opened_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema.createTable('proposal_prices')
    .addColumn('proposal_id', 'text', (c) => c.primaryKey().notNull().references('proposals.id'))
    .addColumn('rfp_id', 'text', (c) => c.notNull().references('price_openings.rfp_id'))
    .addColumn('amount', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .execute()

  await db.schema.createTable('decisions')
    .addColumn('rfp_id', 'text', (c) => c.primaryKey().notNull().references('rfps.id'))
    .addColumn('rationale', 'text', (c) => c.notNull())
    .addColumn('rounds_used', 'integer', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .execute()

  // Unsuccessful vendors are "Vendor A, B, …" in the public record unless they choose to be named.
  await db.schema.createTable('vendor_naming')
    .addColumn('proposal_id', 'text', (c) => c.primaryKey().notNull().references('proposals.id'))
    .addColumn('may_be_named', 'integer', (c) => c.notNull())
    .addColumn('chosen_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('chosen_at', 'text', (c) => c.notNull())
    .execute()

  // RFPs opened before evaluation existed start their round 1 as the opening does now: with every standing proposal.
  await db.insertInto('scoring_rounds').columns(['rfp_id', 'round', 'started_at'])
    .expression(db.selectFrom('rfp_openings').select(['rfp_id', sql.lit(1).as('round'), 'opened_at']).where('opened_at', 'is not', null))
    .execute()
  await db.insertInto('round_proposals').columns(['rfp_id', 'round', 'proposal_id'])
    .expression(db.selectFrom('proposals').innerJoin('scoring_rounds', 'scoring_rounds.rfp_id', 'proposals.rfp_id')
      .select(['proposals.rfp_id', sql.lit(1).as('round'), 'proposals.id'])
      .where('proposals.status', '!=', 'withdrawn').where('proposals.current_version', '>', 0))
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  for (const table of ['vendor_naming', 'decisions', 'proposal_prices', 'price_openings', 'gate_results', 'consensus_scores', 'sealed_score_sheets', 'score_history', 'scores', 'score_sheets', 'round_proposals', 'scoring_rounds', 'evaluator_conflicts', 'evaluator_attestations']) {
    await db.schema.dropTable(table).execute()
  }
}
