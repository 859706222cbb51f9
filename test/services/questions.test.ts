// Questions and answers in the open, on a real database: who may ask and when, the confirmation of questions
// from the public, the per-asker limit, numbering of answers, revisions, rejections and merges, and what the
// public and the committee see. Every refusal is checked to leave the questions, the log and the outbox as they were.
import t from 'tap'
import { securityAuditRfp } from '../../src/demo/security-audit-rfp.js'
import { ANONYMOUS, type Actor } from '../../src/domain/policy.js'
import { hashSecret } from '../../src/domain/sign-in.js'
import { QUESTIONS_PER_ASKER_PER_DAY, UNCONFIRMED_PER_ADDRESS } from '../../src/domain/questions.js'
import { DAY_MS, formatInstant } from '../../src/domain/time.js'
import { readAuditEvents, verifyAuditChain } from '../../src/services/audit.js'
import {
  answerQuestion, askQuestion, confirmQuestion, listPublicAnswers, listQuestionsForCommittee, mergeQuestion, previewQuestionConfirmation, rejectQuestion,
  sweepUnconfirmedQuestions
} from '../../src/services/questions.js'
import { addRfpMember } from '../../src/services/rfp-members.js'
import { registerInterest } from '../../src/services/rfp-vendors.js'
import { cancelRfp, createRfpDraft, publishRfp } from '../../src/services/rfps.js'
import { T0, createCommitteeMember, createOwner, createVendorContact, testContext } from '../helpers/app.js'

type Ctx = Awaited<ReturnType<typeof testContext>>
type TestT = Parameters<typeof testContext>[0]

const HOUR_MS = 60 * 60 * 1000
const TOKEN_IN_LINK = /\/questions\/confirm\?token=([A-Za-z0-9_-]+)/

/** A published demo RFP with two owners, an evaluator and a vendor who registered interest. */
async function setup (t: TestT) {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx, 'chair@example.org')
  const draft = securityAuditRfp(T0)
  const { id, slug } = await createRfpDraft(ctx, owner, draft)
  await publishRfp(ctx, owner, id)
  const coOwner = await createOwner(ctx, 'co-chair@example.org')
  await addRfpMember(ctx, owner, slug, 'co-chair@example.org', 'owner')
  const evaluator = await createOwner(ctx, 'evaluator@example.org')
  await addRfpMember(ctx, owner, slug, 'evaluator@example.org', 'evaluator')
  const registered = await createVendorContact(ctx, 'Alpha Audits', 'ada@alpha.example')
  await registerInterest(ctx, registered.actor, slug)
  const other = await createVendorContact(ctx, 'Beta Security', 'bob@beta.example')
  return { ctx, owner, coOwner, evaluator, registered, other, id, slug, draft }
}

async function snapshot (ctx: Ctx) {
  return {
    questions: await ctx.db.selectFrom('rfp_questions').select(['id', 'status', 'number', 'answer', 'published_question', 'reason', 'merged_into']).orderBy('id').execute(),
    audit: (await verifyAuditChain(ctx.db)).count,
    outbox: (await ctx.db.selectFrom('mail_outbox').select('id').execute()).length
  }
}

async function mails (ctx: Ctx, template: string) {
  return await ctx.db.selectFrom('mail_outbox').selectAll().where('template', '=', template).orderBy('created_at').orderBy('to_address').execute()
}

async function mailsSince (ctx: Ctx, template: string, since: Date) {
  return (await mails(ctx, template)).filter((m) => Date.parse(m.created_at) >= since.getTime())
}

async function eventsOf (ctx: Ctx, type: string) {
  return (await readAuditEvents(ctx.db, 0, 200)).filter((e) => e.type === type)
}

/** Asks as a signed-in user and returns the new question's id. */
async function asked (ctx: Ctx, actor: Actor, slug: string, body: string): Promise<string> {
  const { status } = await askQuestion(ctx, actor, slug, { body })
  if (status !== 'open') throw new Error(`the question is ${status}`)
  const row = await ctx.db.selectFrom('rfp_questions').select('id').where('body', '=', body.trim()).executeTakeFirstOrThrow()
  return row.id
}

/** Asks as the public and opens the mailed link; returns the question's id. */
async function askedByPublic (ctx: Ctx, slug: string, email: string, body: string): Promise<string> {
  const { status } = await askQuestion(ctx, ANONYMOUS, slug, { body, email })
  if (status !== 'unconfirmed') throw new Error(`the question is ${status}`)
  await confirmQuestion(ctx, slug, await tokenMailedTo(ctx, email))
  return (await ctx.db.selectFrom('rfp_questions').select('id').where('body', '=', body).executeTakeFirstOrThrow()).id
}

/** The token of the link mailed to `email` for a question still waiting for it. */
async function tokenMailedTo (ctx: Ctx, email: string): Promise<string> {
  const waiting = new Set((await ctx.db.selectFrom('rfp_questions').select('confirm_token_hash').where('status', '=', 'unconfirmed').execute()).map((q) => q.confirm_token_hash))
  const tokens = (await mails(ctx, 'question-confirm')).filter((m) => m.to_address === email).map((m) => TOKEN_IN_LINK.exec(m.text_body)?.[1])
  const token = tokens.find((candidate) => candidate !== undefined && waiting.has(hashSecret(candidate)))
  if (token === undefined) throw new Error(`no confirmation link waiting for ${email}`)
  return token
}

t.test('a signed-in vendor\'s question is open at once, the owners are mailed, and a private event is logged', async (t) => {
  const { ctx, owner, coOwner, other, id, slug, draft } = await setup(t)
  t.same(await askQuestion(ctx, other.actor, slug, { body: '  Is the retest priced separately?  ' }), { status: 'open' })

  const [row, ...rest] = await ctx.db.selectFrom('rfp_questions').selectAll().execute()
  t.equal(rest.length, 0)
  t.match(row, { rfp_id: id, status: 'open', asked_by: other.actor.userId, asker_email: 'bob@beta.example', body: 'Is the retest priced separately?', confirm_token_hash: null, number: null })
  const asked = await mails(ctx, 'question-asked')
  t.same(asked.map((m) => m.to_address), ['chair@example.org', 'co-chair@example.org'], 'every owner, and only the owners')
  for (const mail of asked) {
    t.equal(mail.subject, `New question: ${draft.title}`)
    t.match(mail.text_body, `/committee/rfps/${slug}`)
  }
  const events = await eventsOf(ctx, 'rfp.question.asked')
  t.same(events.map((e) => [e.public, e.rfpId, e.actorId, e.data]), [[false, id, other.actor.userId, { questionId: row?.id }]])
  t.same((await listQuestionsForCommittee(ctx, owner, slug)).map((q) => [q.status, q.body, q.asker_email]), [['open', 'Is the retest priced separately?', 'bob@beta.example']])
  t.same((await listQuestionsForCommittee(ctx, coOwner, slug)).length, 1)
})

t.test('a question from the public waits for its asker to confirm the mailed link', async (t) => {
  const { ctx, owner, slug, draft } = await setup(t)
  const before = await snapshot(ctx)
  await t.rejects(askQuestion(ctx, ANONYMOUS, slug, { body: 'What about the fuzzing budget?' }),
    { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'email', message: 'give an e-mail address to confirm your question: it is never published' }] })
  await t.rejects(askQuestion(ctx, ANONYMOUS, slug, { body: 'What about the fuzzing budget?', email: 'not an address' }), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'email' }] })
  await t.rejects(askQuestion(ctx, ANONYMOUS, slug, { body: 'short', email: '' }), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'body' }, { path: 'email' }] }, 'every problem at once')
  t.same(await snapshot(ctx), before, 'nothing written')

  t.same(await askQuestion(ctx, ANONYMOUS, slug, { body: 'What about the fuzzing budget?', email: ' Pat@Public.example ' }), { status: 'unconfirmed' })
  const [row] = await ctx.db.selectFrom('rfp_questions').selectAll().execute()
  t.match(row, { status: 'unconfirmed', asked_by: null, asker_email: 'pat@public.example', confirm_expires_at: new Date(T0.getTime() + DAY_MS).toISOString() })
  t.same(await eventsOf(ctx, 'rfp.question.asked'), [], 'not asked until confirmed')
  t.same(await mails(ctx, 'question-asked'), [], 'the owners are not bothered yet')
  t.same(await listQuestionsForCommittee(ctx, owner, slug), [], 'the committee does not see unconfirmed questions')

  const [confirm, ...more] = await mails(ctx, 'question-confirm')
  t.equal(more.length, 0)
  t.equal(confirm?.to_address, 'Pat@Public.example', 'mailed to the address as given')
  t.equal(confirm?.subject, `Confirm your question: ${draft.title}`)
  t.match(confirm?.text_body, `/rfps/${slug}/questions/confirm?token=`)
  const token = await tokenMailedTo(ctx, 'Pat@Public.example')
  t.not(row?.confirm_token_hash, token, 'only a hash of the token is stored')

  t.same(await previewQuestionConfirmation(ctx, token), { body: 'What about the fuzzing budget?' })
  ctx.clock.advance(HOUR_MS)
  await confirmQuestion(ctx, slug, token)
  const confirmed = await ctx.db.selectFrom('rfp_questions').selectAll().executeTakeFirstOrThrow()
  t.match(confirmed, { status: 'open', confirm_token_hash: null, confirm_expires_at: null })
  t.same((await eventsOf(ctx, 'rfp.question.asked')).map((e) => [e.public, e.actorId, e.data]), [[false, null, { questionId: row?.id }]])
  t.same((await mails(ctx, 'question-asked')).map((m) => m.to_address), ['chair@example.org', 'co-chair@example.org'])
  t.same((await listQuestionsForCommittee(ctx, owner, slug)).map((q) => [q.status, q.asker_email]), [['open', 'pat@public.example']])

  const after = await snapshot(ctx)
  const used = 'this link is not valid: it was used already, has expired (links last 24 hours) or is mistyped'
  await t.rejects(confirmQuestion(ctx, slug, token), { statusCode: 404, code: 'SL_NOT_FOUND', message: used }, 'a link works once')
  await t.rejects(previewQuestionConfirmation(ctx, token), { statusCode: 404, message: used })
  await t.rejects(previewQuestionConfirmation(ctx, 'not-a-token'), { statusCode: 404, message: used })
  await t.rejects(confirmQuestion(ctx, slug, 'A'.repeat(43)), { statusCode: 404, message: used })
  t.same(await snapshot(ctx), after, 'no second event or mail')
})

t.test('a confirmation link is for its own RFP', async (t) => {
  const { ctx, owner, slug, draft } = await setup(t)
  const { id: otherId } = await createRfpDraft(ctx, owner, { ...draft, slug: 'another-rfp' })
  await publishRfp(ctx, owner, otherId)
  await askQuestion(ctx, ANONYMOUS, slug, { body: 'Which Go version is in scope?', email: 'pat@public.example' })
  const token = await tokenMailedTo(ctx, 'pat@public.example')
  const before = await snapshot(ctx)
  await t.rejects(confirmQuestion(ctx, 'another-rfp', token), { statusCode: 404, message: 'this link is not valid for this RFP' })
  t.same(await snapshot(ctx), before)
  await confirmQuestion(ctx, slug, token)
})

t.test('a confirmation link expires after 24 hours', async (t) => {
  const { ctx, slug } = await setup(t)
  await askQuestion(ctx, ANONYMOUS, slug, { body: 'Which Go version is in scope?', email: 'pat@public.example' })
  const token = await tokenMailedTo(ctx, 'pat@public.example')
  ctx.clock.advance(DAY_MS - 1)
  t.same(await previewQuestionConfirmation(ctx, token), { body: 'Which Go version is in scope?' }, 'still valid a moment before')
  ctx.clock.advance(1)
  const before = await snapshot(ctx)
  await t.rejects(previewQuestionConfirmation(ctx, token), { statusCode: 404, code: 'SL_NOT_FOUND', message: /has expired/ })
  await t.rejects(confirmQuestion(ctx, slug, token), { statusCode: 404, code: 'SL_NOT_FOUND', message: /has expired/ })
  t.same(await snapshot(ctx), before, 'still unconfirmed, nobody mailed')
  t.equal(before.questions[0]?.status, 'unconfirmed')
})

t.test('a question asked in time still counts when its link is opened after the period closed; not once the RFP is cancelled', async (t) => {
  const { ctx, owner, slug, draft } = await setup(t)
  const close = draft.schedule.questionsCloseAt
  ctx.clock.set(new Date(Date.parse(close) - HOUR_MS))
  await askQuestion(ctx, ANONYMOUS, slug, { body: 'Is a retest included in the fee?', email: 'pat@public.example' })
  await askQuestion(ctx, ANONYMOUS, slug, { body: 'Is remote work acceptable for the audit?', email: 'sam@public.example' })
  const token = await tokenMailedTo(ctx, 'pat@public.example')
  const late = await tokenMailedTo(ctx, 'sam@public.example')
  ctx.clock.set(new Date(close))
  await confirmQuestion(ctx, slug, token)
  t.same((await ctx.db.selectFrom('rfp_questions').select('status').where('asker_email', '=', 'pat@public.example').execute()).map((q) => q.status), ['open'], 'it was asked before the close')

  await cancelRfp(ctx, owner, slug, 'Funding withdrawn.')
  const before = await snapshot(ctx)
  await t.rejects(confirmQuestion(ctx, slug, late), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'body', message: 'the RFP was cancelled: it takes no more questions' }] })
  t.same(await snapshot(ctx), before, 'nothing written')
})

t.test('questions are taken until the second the question period closes', async (t) => {
  const { ctx, other, slug, draft } = await setup(t)
  const close = Date.parse(draft.schedule.questionsCloseAt)
  ctx.clock.set(new Date(close - 1000))
  t.same(await askQuestion(ctx, other.actor, slug, { body: 'Just in time: is remote work fine?' }), { status: 'open' })
  const message = `the question period closed on ${formatInstant(draft.schedule.questionsCloseAt, draft.timeZone)}`
  for (const at of [close, close + DAY_MS]) {
    ctx.clock.set(new Date(at))
    const before = await snapshot(ctx)
    await t.rejects(askQuestion(ctx, other.actor, slug, { body: 'Too late: is remote work fine?' }), { statusCode: 400, message: `body: ${message}`, problems: [{ path: 'body', message }] })
    await t.rejects(askQuestion(ctx, ANONYMOUS, slug, { body: 'Too late: is remote work fine?', email: 'pat@public.example' }), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'body', message }] })
    t.same(await snapshot(ctx), before)
  }
})

t.test('a question is 10 to 5000 characters', async (t) => {
  const { ctx, other, slug } = await setup(t)
  const before = await snapshot(ctx)
  await t.rejects(askQuestion(ctx, other.actor, slug, { body: '   Why 9?     ' }), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'body', message: 'must be at least 10 characters' }] })
  await t.rejects(askQuestion(ctx, other.actor, slug, { body: 'q'.repeat(5001) }), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'body', message: 'must be at most 5000 characters (it has 5001)' }] })
  t.same(await snapshot(ctx), before)
  t.same(await askQuestion(ctx, other.actor, slug, { body: 'Why 10 ch?' }), { status: 'open' })
  t.same(await askQuestion(ctx, other.actor, slug, { body: 'q'.repeat(5000) }), { status: 'open' })
})

t.test('one asker may ask 10 questions in 24 hours; the 11th waits for the oldest to be a day old', async (t) => {
  const { ctx, other, registered, slug } = await setup(t)
  for (let i = 1; i <= 10; i++) await askQuestion(ctx, other.actor, slug, { body: `Question number ${i} from Beta` })
  const before = await snapshot(ctx)
  await t.rejects(askQuestion(ctx, other.actor, slug, { body: 'Question number 11 from Beta' }),
    { statusCode: 429, code: 'SL_TOO_MANY', message: 'you have asked 10 questions on this RFP in the last 24 hours: wait, or put several points in one question' })
  t.same(await snapshot(ctx), before, 'nothing written')
  t.same(await askQuestion(ctx, registered.actor, slug, { body: 'Another asker is not limited' }), { status: 'open' })

  ctx.clock.advance(DAY_MS - 1)
  await t.rejects(askQuestion(ctx, other.actor, slug, { body: 'Question number 11 from Beta' }), { statusCode: 429, code: 'SL_TOO_MANY' }, 'a moment before the day is over')
  ctx.clock.advance(2)
  t.same(await askQuestion(ctx, other.actor, slug, { body: 'Question number 11 from Beta' }), { status: 'open' }, 'accepted once the first ten are more than a day old')
})

t.test('the limit counts questions from the public by address, however it is written', async (t) => {
  const { ctx, slug } = await setup(t)
  for (let i = 1; i <= 10; i++) await askedByPublic(ctx, slug, i % 2 === 0 ? 'Pat@Public.example' : 'pat@public.example', `Public question ${i}`)
  const before = await snapshot(ctx)
  await t.rejects(askQuestion(ctx, ANONYMOUS, slug, { body: 'Public question 11', email: 'PAT@PUBLIC.EXAMPLE' }), { statusCode: 429, code: 'SL_TOO_MANY' })
  t.same(await snapshot(ctx), before, 'no question and no confirmation mail')
  t.same(await askQuestion(ctx, ANONYMOUS, slug, { body: 'Someone else asks', email: 'sam@public.example' }), { status: 'unconfirmed' }, 'another address is not limited')
})

t.test('twelve questions at once from one asker never pass the limit', async (t) => {
  const { ctx, other, slug } = await setup(t)
  const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => askQuestion(ctx, other.actor, slug, { body: `Concurrent question ${i}` })))
  const outcome = results.map((r) => r.status === 'fulfilled' ? 'ok' : (r.reason as { code?: string }).code ?? String(r.reason))
  t.equal(outcome.filter((o) => o === 'ok').length, 10)
  t.equal(outcome.filter((o) => o === 'SL_TOO_MANY').length, 2)
  t.equal((await ctx.db.selectFrom('rfp_questions').select('id').execute()).length, 10)
  t.equal((await eventsOf(ctx, 'rfp.question.asked')).length, 10)
})

t.test('the committee answers questions rather than asking them', async (t) => {
  const { ctx, owner, coOwner, evaluator, slug } = await setup(t)
  const before = await snapshot(ctx)
  for (const [who, actor] of [['an owner', owner], ['a co-owner', coOwner], ['an evaluator', evaluator]] as const) {
    await t.rejects(askQuestion(ctx, actor, slug, { body: 'Can I ask my own question?' }), { statusCode: 403, code: 'SL_FORBIDDEN', message: 'the committee answers questions rather than asking them' }, who)
  }
  t.same(await snapshot(ctx), before)
})

t.test('answers are numbered in the order they are given, published, and mailed to registered vendors and the asker', async (t) => {
  const { ctx, owner, registered, other, id, slug, draft } = await setup(t)
  const fromRegistered = await asked(ctx, registered.actor, slug, 'Is the retest included in the fee?')
  const fromOther = await asked(ctx, other.actor, slug, 'May we subcontract the fuzzing work?')
  const fromPublic = await askedByPublic(ctx, slug, 'pat@public.example', 'Will the final report name the auditors?')

  ctx.clock.advance(HOUR_MS)
  t.same(await answerQuestion(ctx, owner, slug, fromOther, { question: '  May a bidder subcontract part of the work?  ', answer: '  Yes, if named in the proposal.  ' }), { number: 1 })
  ctx.clock.advance(HOUR_MS)
  t.same(await answerQuestion(ctx, owner, slug, fromPublic, { question: 'Will the final report name the auditors?', answer: 'Yes.' }), { number: 2 })
  ctx.clock.advance(HOUR_MS)
  t.same(await answerQuestion(ctx, owner, slug, fromRegistered, { question: 'Is the retest included in the fee?', answer: 'Yes, one retest within 30 days.' }), { number: 3 })

  const events = await eventsOf(ctx, 'rfp.question.answered')
  t.same(events.map((e) => [e.public, e.rfpId, e.actorId, e.data]), [
    [true, id, owner.userId, { slug, title: draft.title, number: 1, question: 'May a bidder subcontract part of the work?', answer: 'Yes, if named in the proposal.' }],
    [true, id, owner.userId, { slug, title: draft.title, number: 2, question: 'Will the final report name the auditors?', answer: 'Yes.' }],
    [true, id, owner.userId, { slug, title: draft.title, number: 3, question: 'Is the retest included in the fee?', answer: 'Yes, one retest within 30 days.' }]
  ], 'public events carry the number, the published wording and the answer')
  t.notMatch(JSON.stringify(events), /example/, 'and nothing of who asked')

  const answered = await mails(ctx, 'question-answered')
  t.same(answered.map((m) => [m.subject, m.to_address]), [
    [`Answer 1: ${draft.title}`, 'ada@alpha.example'],
    [`Answer 1: ${draft.title}`, 'bob@beta.example'],
    [`Answer 2: ${draft.title}`, 'ada@alpha.example'],
    [`Answer 2: ${draft.title}`, 'pat@public.example'],
    [`Answer 3: ${draft.title}`, 'ada@alpha.example']
  ], 'the registered vendor each time, the asker of each; the registered asker once')
  t.match(answered[0]?.text_body, 'Q: May a bidder subcontract part of the work?')
  t.match(answered[0]?.text_body, 'A: Yes, if named in the proposal.')
  t.match(answered[0]?.text_body, `/rfps/${slug}#answer-1`)

  t.same((await listPublicAnswers(ctx, ANONYMOUS, slug)).map((a) => [a.number, a.question, a.answer]), [
    [1, 'May a bidder subcontract part of the work?', 'Yes, if named in the proposal.'],
    [2, 'Will the final report name the auditors?', 'Yes.'],
    [3, 'Is the retest included in the fee?', 'Yes, one retest within 30 days.']
  ])
})

t.test('answers given at once to different questions get different numbers', async (t) => {
  const { ctx, owner, coOwner, other, slug } = await setup(t)
  const ids = []
  for (let i = 1; i <= 4; i++) ids.push(await asked(ctx, other.actor, slug, `Parallel question ${i}`))
  const results = await Promise.all(ids.map((id, i) => answerQuestion(ctx, i % 2 === 0 ? owner : coOwner, slug, id, { question: `Parallel question ${i + 1}`, answer: `Answer ${i + 1}` })))
  t.same(results.map((r) => r.number).sort(), [1, 2, 3, 4])
  t.same((await listPublicAnswers(ctx, ANONYMOUS, slug)).map((a) => a.number), [1, 2, 3, 4])
  t.equal((await eventsOf(ctx, 'rfp.question.answered')).length, 4)
})

t.test('a revised answer keeps its number, is logged as a revision and mailed to the vendors', async (t) => {
  const { ctx, owner, other, id, slug, draft } = await setup(t)
  const first = await askedByPublic(ctx, slug, 'pat@public.example', 'Is a retest included in the fee?')
  const second = await asked(ctx, other.actor, slug, 'Which Go versions are in scope?')
  await answerQuestion(ctx, owner, slug, first, { question: 'Is a retest included in the fee?', answer: 'Yes.' })
  await answerQuestion(ctx, owner, slug, second, { question: 'Which Go versions are in scope?', answer: 'Go 1.23 and later.' })
  ctx.clock.advance(HOUR_MS)
  t.same(await answerQuestion(ctx, owner, slug, first, { question: 'Is a retest included in the fee?', answer: 'Yes: one retest within 30 days.' }), { number: 1 })
  const row = await ctx.db.selectFrom('rfp_questions').selectAll().where('id', '=', first).executeTakeFirstOrThrow()
  t.match(row, { status: 'answered', number: 1, answer: 'Yes: one retest within 30 days.', answered_at: T0.toISOString(), updated_at: ctx.clock.now().toISOString() }, 'first answered then, revised now')

  const revised = await eventsOf(ctx, 'rfp.answer.revised')
  t.same(revised.map((e) => [e.public, e.rfpId, e.data]), [[true, id, { slug, title: draft.title, number: 1, question: 'Is a retest included in the fee?', answer: 'Yes: one retest within 30 days.' }]])
  t.equal((await eventsOf(ctx, 'rfp.question.answered')).length, 2, 'no new answer event')
  const mailed = await mailsSince(ctx, 'question-answered', ctx.clock.now())
  t.same(mailed.map((m) => [m.subject, m.to_address]), [[`Revised answer 1: ${draft.title}`, 'ada@alpha.example']], 'the registered vendors are told')
  t.match(mailed[0]?.text_body, 'Answer 1 on')
  t.match(mailed[0]?.text_body, 'A: Yes: one retest within 30 days.')
  t.same((await listPublicAnswers(ctx, ANONYMOUS, slug)).map((a) => [a.number, a.answer]), [[1, 'Yes: one retest within 30 days.'], [2, 'Go 1.23 and later.']])
})

t.test('a rejection needs a reason, is mailed to the asker, and the question cannot then be answered', async (t) => {
  const { ctx, owner, id, slug, draft } = await setup(t)
  const question = await askedByPublic(ctx, slug, 'pat@public.example', 'What is your budget, exactly?')
  const before = await snapshot(ctx)
  await t.rejects(rejectQuestion(ctx, owner, slug, question, '   '), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'reason', message: 'say why: the asker is told' }] })
  await t.rejects(rejectQuestion(ctx, owner, slug, question, 'r'.repeat(2001)), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'reason', message: /at most 2000/ }] })
  await t.rejects(rejectQuestion(ctx, owner, slug, 'no-such-question', 'Because'), { statusCode: 404, code: 'SL_NOT_FOUND' })
  t.same(await snapshot(ctx), before)

  await rejectQuestion(ctx, owner, slug, question, ' The budget is not published before the decision. ')
  const row = await ctx.db.selectFrom('rfp_questions').selectAll().where('id', '=', question).executeTakeFirstOrThrow()
  t.match(row, { status: 'rejected', reason: 'The budget is not published before the decision.', number: null })
  const events = await eventsOf(ctx, 'rfp.question.rejected')
  t.same(events.map((e) => [e.public, e.rfpId, e.data]), [[false, id, { questionId: question, reason: 'The budget is not published before the decision.' }]], 'a private event')
  const rejected = await mails(ctx, 'question-rejected')
  t.same(rejected.map((m) => m.to_address), ['pat@public.example'])
  t.equal(rejected[0]?.subject, `Your question was not answered: ${draft.title}`)
  t.match(rejected[0]?.text_body, 'What is your budget, exactly?')
  t.match(rejected[0]?.text_body, 'Reason: The budget is not published before the decision.')

  const after = await snapshot(ctx)
  await t.rejects(answerQuestion(ctx, owner, slug, question, { question: 'What is the budget?', answer: 'Secret.' }), { statusCode: 409, code: 'SL_INVALID_STATE', message: 'the question was rejected' })
  await t.rejects(rejectQuestion(ctx, owner, slug, question, 'Again'), { statusCode: 409, code: 'SL_INVALID_STATE', message: 'the question was rejected already' })
  t.same(await snapshot(ctx), after)
  t.same(await listPublicAnswers(ctx, ANONYMOUS, slug), [])
})

t.test('a duplicate merged into an answered question is mailed that answer; one merged into an open question hears with it', async (t) => {
  const { ctx, owner, registered, id, slug, draft } = await setup(t)
  const original = await asked(ctx, registered.actor, slug, 'Is a retest included in the fee?')
  await answerQuestion(ctx, owner, slug, original, { question: 'Is a retest included?', answer: 'Yes, one.' })
  const duplicate = await askedByPublic(ctx, slug, 'pat@public.example', 'Do you pay for a retest?')

  ctx.clock.advance(1000)
  await mergeQuestion(ctx, owner, slug, duplicate, original)
  t.match(await ctx.db.selectFrom('rfp_questions').selectAll().where('id', '=', duplicate).executeTakeFirstOrThrow(), { status: 'merged', merged_into: original, number: null })
  t.same((await eventsOf(ctx, 'rfp.question.merged')).map((e) => [e.public, e.rfpId, e.data]), [[false, id, { questionId: duplicate, into: original }]])
  const mailed = await mailsSince(ctx, 'question-answered', ctx.clock.now())
  t.same(mailed.map((m) => [m.subject, m.to_address]), [[`Answer 1: ${draft.title}`, 'pat@public.example']])
  t.match(mailed[0]?.text_body, 'Q: Is a retest included?')
  t.match(mailed[0]?.text_body, 'A: Yes, one.')
  t.match(mailed[0]?.text_body, `/rfps/${slug}#answer-1`)

  const open = await askedByPublic(ctx, slug, 'sam@public.example', 'Can the report be in German?')
  const openDuplicate = await askedByPublic(ctx, slug, 'kim@public.example', 'Is a German report fine?')
  ctx.clock.advance(1000)
  await mergeQuestion(ctx, owner, slug, openDuplicate, open)
  t.same(await mailsSince(ctx, 'question-answered', ctx.clock.now()), [], 'nothing to mail until it is answered')
  ctx.clock.advance(1000)
  t.same(await answerQuestion(ctx, owner, slug, open, { question: 'May the report be in German?', answer: 'No, English.' }), { number: 2 })
  t.same((await mailsSince(ctx, 'question-answered', ctx.clock.now())).map((m) => m.to_address), ['ada@alpha.example', 'kim@public.example', 'sam@public.example'],
    'the registered vendor and both askers')
  t.same((await listPublicAnswers(ctx, ANONYMOUS, slug)).map((a) => a.number), [1, 2], 'merged questions are not published on their own')
})

t.test('a question is merged only into another open or answered question of the RFP', async (t) => {
  const { ctx, owner, other, slug } = await setup(t)
  const question = await asked(ctx, other.actor, slug, 'Is remote work fine for the audit?')
  const rejected = await asked(ctx, other.actor, slug, 'Could you send the budget?')
  await rejectQuestion(ctx, owner, slug, rejected, 'Not published')
  await askQuestion(ctx, ANONYMOUS, slug, { body: 'An unconfirmed question here', email: 'pat@public.example' })
  const unconfirmed = (await ctx.db.selectFrom('rfp_questions').select('id').where('status', '=', 'unconfirmed').executeTakeFirstOrThrow()).id
  const before = await snapshot(ctx)
  const problem = { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'into', message: 'choose another open or answered question of this RFP' }] }
  await t.rejects(mergeQuestion(ctx, owner, slug, question, question), problem, 'not into itself')
  await t.rejects(mergeQuestion(ctx, owner, slug, question, 'no-such-question'), problem, 'not into an unknown question')
  await t.rejects(mergeQuestion(ctx, owner, slug, question, rejected), problem, 'not into a rejected question')
  await t.rejects(mergeQuestion(ctx, owner, slug, question, unconfirmed), problem, 'not into an unconfirmed question')
  await t.rejects(mergeQuestion(ctx, owner, slug, unconfirmed, question), { statusCode: 404, code: 'SL_NOT_FOUND' }, 'an unconfirmed question is not there to merge')
  await t.rejects(mergeQuestion(ctx, owner, slug, rejected, question), { statusCode: 409, message: 'the question was rejected already' })
  t.same(await snapshot(ctx), before)
})

t.test('only owners answer, reject and merge', async (t) => {
  const { ctx, evaluator, other, slug } = await setup(t)
  const stranger = await createCommitteeMember(ctx, 'stranger@example.org', { isAdmin: true })
  const first = await asked(ctx, other.actor, slug, 'Is remote work fine for the audit?')
  const second = await asked(ctx, other.actor, slug, 'Is remote work acceptable to you?')
  const before = await snapshot(ctx)
  for (const [who, actor] of [['an evaluator', evaluator], ['an admin', stranger.actor], ['a vendor', other.actor]] as const) {
    const refused = { statusCode: 403, code: 'SL_FORBIDDEN' }
    await t.rejects(answerQuestion(ctx, actor, slug, first, { question: 'Is remote work fine?', answer: 'Yes.' }), { ...refused, message: 'only an owner of the RFP answers its questions' }, `${who} does not answer`)
    await t.rejects(rejectQuestion(ctx, actor, slug, first, 'No'), refused, `${who} does not reject`)
    await t.rejects(mergeQuestion(ctx, actor, slug, second, first), refused, `${who} does not merge`)
  }
  t.same(await snapshot(ctx), before)
})

t.test('the public answers never show who asked', async (t) => {
  const { ctx, owner, registered, slug } = await setup(t)
  const fromVendor = await asked(ctx, registered.actor, slug, 'Is a retest included in the fee?')
  const fromPublic = await askedByPublic(ctx, slug, 'pat@public.example', 'Will the report be published?')
  await asked(ctx, registered.actor, slug, 'An open question, not yet answered')
  await answerQuestion(ctx, owner, slug, fromVendor, { question: 'Is a retest included?', answer: 'Yes.' })
  await answerQuestion(ctx, owner, slug, fromPublic, { question: 'Will the report be published?', answer: 'Yes, in full.' })

  for (const actor of [ANONYMOUS, owner, registered.actor]) {
    const answers = await listPublicAnswers(ctx, actor, slug)
    t.same(answers.map((a) => [a.number, a.question, a.answer]), [[1, 'Is a retest included?', 'Yes.'], [2, 'Will the report be published?', 'Yes, in full.']], 'answered questions only')
    const json = JSON.stringify(answers)
    for (const secret of ['ada@alpha.example', 'pat@public.example', registered.actor.userId, owner.userId, 'Is a retest included in the fee?']) {
      t.notOk(json.includes(secret), `the public answers do not contain ${secret}`)
    }
  }
})

t.test('the committee list leaves out unconfirmed questions and is for the committee only', async (t) => {
  const { ctx, owner, evaluator, registered, other, slug } = await setup(t)
  const stranger = await createCommitteeMember(ctx, 'stranger@example.org', { isAdmin: true })
  ctx.clock.advance(1000)
  await asked(ctx, other.actor, slug, 'Is remote work fine for the audit?')
  ctx.clock.advance(1000)
  const answered = await asked(ctx, registered.actor, slug, 'Is a retest included in the fee?')
  await askQuestion(ctx, ANONYMOUS, slug, { body: 'Not confirmed: is this hidden?', email: 'pat@public.example' })
  await answerQuestion(ctx, owner, slug, answered, { question: 'Is a retest included?', answer: 'Yes.' })

  const expected = [['open', 'bob@beta.example', 'Is remote work fine for the audit?'], ['answered', 'ada@alpha.example', 'Is a retest included in the fee?']]
  t.same((await listQuestionsForCommittee(ctx, owner, slug)).map((q) => [q.status, q.asker_email, q.body]), expected, 'open first; the unconfirmed one is left out')
  t.same((await listQuestionsForCommittee(ctx, evaluator, slug)).map((q) => [q.status, q.body]), expected.map(([status, , body]) => [status, body]), 'evaluators see the questions too')
  for (const [who, actor] of [['a vendor', registered.actor], ['another committee member', stranger.actor]] as const) {
    await t.rejects(listQuestionsForCommittee(ctx, actor, slug), { statusCode: 403, code: 'SL_FORBIDDEN', message: 'this page is for the RFP\'s committee' }, who)
  }
})

t.test('a cancelled RFP takes no questions and no answers', async (t) => {
  const { ctx, owner, other, slug } = await setup(t)
  const question = await asked(ctx, other.actor, slug, 'Is remote work fine for the audit?')
  await askQuestion(ctx, ANONYMOUS, slug, { body: 'Asked before the cancellation', email: 'pat@public.example' })
  const token = await tokenMailedTo(ctx, 'pat@public.example')
  await cancelRfp(ctx, owner, slug, 'The budget was withdrawn')
  const before = await snapshot(ctx)
  await t.rejects(answerQuestion(ctx, owner, slug, question, { question: 'Is remote work fine?', answer: 'Yes.' }), { statusCode: 409, code: 'SL_INVALID_STATE', message: 'the RFP was cancelled' })
  await t.rejects(askQuestion(ctx, other.actor, slug, { body: 'Is it really cancelled?' }), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'body', message: 'the RFP was cancelled: it takes no more questions' }] })
  await t.rejects(confirmQuestion(ctx, slug, token), { statusCode: 400, code: 'SL_INVALID_INPUT', problems: [{ path: 'body', message: 'the RFP was cancelled: it takes no more questions' }] })
  t.same(await snapshot(ctx), before)
})

t.test('questions on a draft do not exist to anyone outside its committee', async (t) => {
  const ctx = await testContext(t)
  const owner = await createOwner(ctx, 'chair@example.org')
  const { slug } = await createRfpDraft(ctx, owner, securityAuditRfp(T0))
  const other = await createVendorContact(ctx, 'Beta Security', 'bob@beta.example')
  await t.rejects(askQuestion(ctx, other.actor, slug, { body: 'Is this a draft, really?' }), { statusCode: 404, code: 'SL_NOT_FOUND' })
  await t.rejects(askQuestion(ctx, ANONYMOUS, slug, { body: 'Is this a draft, really?', email: 'pat@public.example' }), { statusCode: 404, code: 'SL_NOT_FOUND' })
  await t.rejects(listPublicAnswers(ctx, ANONYMOUS, slug), { statusCode: 404, code: 'SL_NOT_FOUND' })
  t.equal((await ctx.db.selectFrom('rfp_questions').select('id').execute()).length, 0)
})

t.test('a stranger typing someone\'s address sends at most three confirmation mails and uses none of their quota', async (t) => {
  const { ctx, slug, registered } = await setup(t)
  for (let i = 1; i <= UNCONFIRMED_PER_ADDRESS; i++) {
    await askQuestion(ctx, ANONYMOUS, slug, { body: `Unwanted question number ${i} in her name?`, email: registered.email })
  }
  const before = await snapshot(ctx)
  await t.rejects(askQuestion(ctx, ANONYMOUS, slug, { body: 'Yet another unwanted question in her name?', email: registered.email }), {
    statusCode: 429, code: 'SL_TOO_MANY', message: /3 questions from this address are waiting to be confirmed/
  })
  t.same(await snapshot(ctx), before, 'no fourth mail, no row')
  for (let i = 1; i <= QUESTIONS_PER_ASKER_PER_DAY; i++) {
    await askQuestion(ctx, registered.actor, slug, { body: `Her own question number ${i}, asked signed in?` })
  }
  t.equal((await ctx.db.selectFrom('rfp_questions').select('id').where('status', '=', 'open').execute()).length, QUESTIONS_PER_ASKER_PER_DAY, 'the unconfirmed ones took none of her ten')
})

t.test('the housekeeping pass deletes questions whose link expired unopened, and nothing else', async (t) => {
  const { ctx, slug, other } = await setup(t)
  await askQuestion(ctx, ANONYMOUS, slug, { body: 'Never confirmed: is this kept?', email: 'someone@public.example' })
  await asked(ctx, other.actor, slug, 'Confirmed: is this kept?')
  t.equal(await sweepUnconfirmedQuestions(ctx), 0, 'a link still valid is kept')
  ctx.clock.advance(24 * HOUR_MS + 1)
  t.equal(await sweepUnconfirmedQuestions(ctx), 1)
  t.same((await ctx.db.selectFrom('rfp_questions').select('body').execute()).map((q) => q.body), ['Confirmed: is this kept?'])
})
