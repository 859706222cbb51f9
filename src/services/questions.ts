// Questions and answers in the open: vendors and the public ask during the question period, owners answer,
// reword, merge duplicates or reject; answers are published by number without the asker's identity.
import { lockForTransaction, type Trx } from '../db/database.js'
import {
  askerAddresses, countQuestionsBy, countUnconfirmedFor, deleteUnconfirmedBefore, findQuestion, findQuestionByConfirmToken, insertQuestion, listAnswered, listForCommittee, nextQuestionNumber, updateQuestion
} from '../db/rfp-questions.js'
import { vendorAddresses } from '../db/rfp-vendors.js'
import { findUserById } from '../db/users.js'
import { isEmailAddress, normalizeEmail } from '../domain/email.js'
import type { Actor, UserActor } from '../domain/policy.js'
import {
  ANSWER_MAX_LENGTH, QUESTION_CONFIRM_TTL_MS, QUESTION_MAX_LENGTH, QUESTION_MIN_LENGTH, QUESTIONS_PER_ASKER_PER_DAY, questionPeriodProblem, textProblems,
  UNCONFIRMED_PER_ADDRESS
} from '../domain/questions.js'
import type { RfpRecord } from '../domain/rfp.js'
import { hashSecret, isWellFormedToken } from '../domain/sign-in.js'
import { DAY_MS } from '../domain/time.js'
import { InvalidStateError, NotFoundError, TooManyError, invalidInput } from '../errors.js'
import { appendAuditEvent } from './audit.js'
import { authorize, isAllowed } from './authorize.js'
import { newId, nowIso, type ServiceContext } from './context.js'
import { queueMail } from './mail.js'
import { newSignInToken } from './sign-in.js'
import { findVisibleRfp, getRfp } from './rfps.js'

/** Questions the committee page lists; past this the oldest handled ones drop off. */
const COMMITTEE_LIST_LIMIT = 1000
/** Answers on the public page: more than any RFP has had. */
const PUBLIC_LIST_LIMIT = 1000

export interface NewQuestion {
  body: string
  /** For askers who are not signed in: the address the confirmation link goes to. */
  email?: string | undefined
}

async function lockQuestions (trx: Trx, rfpId: string): Promise<void> {
  await lockForTransaction(trx, `rfp_questions:${rfpId}`)
}

/** A confirmed question of an RFP whose questions the actor handles, read under the RFP's questions lock. */
async function findQuestionToHandle (trx: Trx, ctx: ServiceContext, actor: UserActor, slug: string, questionId: string) {
  const rfp = await findVisibleRfp(trx, ctx, actor, slug)
  authorize(ctx, actor, { action: 'rfp.questions.answer', rfp })
  await lockQuestions(trx, rfp.id)
  const question = await findQuestion(trx, rfp.id, questionId)
  if (question === undefined || question.status === 'unconfirmed') throw new NotFoundError('no such question on this RFP')
  return { rfp, question }
}

function checkAskable (rfp: RfpRecord, now: Date): void {
  const problem = questionPeriodProblem(rfp.state, rfp.schedule, rfp.timeZone, now)
  if (problem !== undefined) throw invalidInput([problem])
}

async function checkAskerLimit (trx: Trx, ctx: ServiceContext, rfpId: string, askerEmail: string): Promise<void> {
  // Counted and inserted in turn per asker, so parallel requests cannot overrun the limit.
  await lockForTransaction(trx, `rfp_questions.asker:${rfpId}:${askerEmail}`)
  const since = new Date(ctx.clock.now().getTime() - DAY_MS).toISOString()
  if (await countQuestionsBy(trx, rfpId, askerEmail, since) >= QUESTIONS_PER_ASKER_PER_DAY) {
    throw new TooManyError(`you have asked ${QUESTIONS_PER_ASKER_PER_DAY} questions on this RFP in the last 24 hours: wait, or put several points in one question`)
  }
}

async function mailOwners (trx: Trx, ctx: ServiceContext, rfp: RfpRecord): Promise<void> {
  for (const member of rfp.members.filter((m) => m.role === 'owner')) {
    const owner = await findUserById(trx, member.userId)
    if (owner !== undefined && owner.disabled_at === null) {
      await queueMail(trx, ctx, { template: 'question-asked', to: owner.email, data: { title: rfp.title, path: `/committee/rfps/${rfp.slug}` } })
    }
  }
}

/**
 * Asks a question. A signed-in asker's question goes straight to the owners; an anonymous asker gives an
 * address and the question waits until the mailed link is opened, so nobody can ask in another's name.
 */
export async function askQuestion (ctx: ServiceContext, actor: Actor, slug: string, input: NewQuestion): Promise<{ status: 'open' | 'unconfirmed' }> {
  const at = nowIso(ctx)
  const problems = textProblems('body', input.body, QUESTION_MIN_LENGTH, QUESTION_MAX_LENGTH)
  let email: string
  if (actor.kind === 'user') {
    const user = await findUserById(ctx.db, actor.userId)
    if (user === undefined) throw new NotFoundError('no such user')
    email = user.email
  } else {
    email = (input.email ?? '').trim()
    if (!isEmailAddress(email)) problems.push({ path: 'email', message: 'give an e-mail address to confirm your question: it is never published' })
  }
  return await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findVisibleRfp(trx, ctx, actor, slug)
    authorize(ctx, actor, { action: 'rfp.question.ask', rfp })
    checkAskable(rfp, ctx.clock.now())
    if (problems.length > 0) throw invalidInput(problems)
    await checkAskerLimit(trx, ctx, rfp.id, normalizeEmail(email))
    const id = newId(ctx)
    const base = { id, rfp_id: rfp.id, asker_email: normalizeEmail(email), body: input.body.trim(), asked_at: at, updated_at: at }
    if (actor.kind === 'user') {
      await insertQuestion(trx, { ...base, status: 'open', asked_by: actor.userId })
      await appendAuditEvent(trx, { at, type: 'rfp.question.asked', actorId: actor.userId, rfpId: rfp.id, public: false, data: { questionId: id } })
      await mailOwners(trx, ctx, rfp)
      return { status: 'open' as const }
    }
    if (await countUnconfirmedFor(trx, rfp.id, normalizeEmail(email), at) >= UNCONFIRMED_PER_ADDRESS) {
      throw new TooManyError(`${UNCONFIRMED_PER_ADDRESS} questions from this address are waiting to be confirmed: open the links mailed to it first (they last 24 hours)`)
    }
    const token = newSignInToken(ctx)
    await insertQuestion(trx, {
      ...base,
      status: 'unconfirmed',
      asked_by: null,
      confirm_token_hash: hashSecret(token),
      confirm_expires_at: new Date(Date.parse(at) + QUESTION_CONFIRM_TTL_MS).toISOString()
    })
    await queueMail(trx, ctx, { template: 'question-confirm', to: email, data: { title: rfp.title, path: `/rfps/${rfp.slug}/questions/confirm?token=${token}` } })
    return { status: 'unconfirmed' as const }
  })
}

/** The question a confirmation link stands for, if it can still be confirmed: what the confirm page shows. */
export async function previewQuestionConfirmation (ctx: ServiceContext, token: string) {
  const question = isWellFormedToken(token) ? await findQuestionByConfirmToken(ctx.db, hashSecret(token)) : undefined
  if (question === undefined || question.status !== 'unconfirmed' || Date.parse(question.confirm_expires_at ?? '') <= ctx.clock.now().getTime()) {
    throw new NotFoundError('this link is not valid: it was used already, has expired (links last 24 hours) or is mistyped')
  }
  return { body: question.body }
}

/** Opens the mailed link: the question reaches the owners, if the question period is still open. */
export async function confirmQuestion (ctx: ServiceContext, slug: string, token: string): Promise<void> {
  await previewQuestionConfirmation(ctx, token)
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    const question = await findQuestionByConfirmToken(trx, hashSecret(token))
    const rfp = await findVisibleRfp(trx, ctx, { kind: 'anonymous' }, slug)
    if (question === undefined || question.rfp_id !== rfp.id) throw new NotFoundError('this link is not valid for this RFP')
    // The question counts as asked when it was typed: a link opened just after the period closed still works.
    checkAskable(rfp, new Date(question.asked_at))
    await checkAskerLimit(trx, ctx, rfp.id, question.asker_email)
    if (!await updateQuestion(trx, question.id, ['unconfirmed'], { status: 'open', confirm_token_hash: null, confirm_expires_at: null, updated_at: at })) {
      throw new NotFoundError('this link was used already')
    }
    await appendAuditEvent(trx, { at, type: 'rfp.question.asked', actorId: null, rfpId: rfp.id, public: false, data: { questionId: question.id } })
    await mailOwners(trx, ctx, rfp)
  })
}

export interface Answer {
  /** The question as it will be published: the owner may reword it, e.g. to leave out who asked. */
  question: string
  answer: string
}

/**
 * Answers an open question, or revises a published answer. A first answer takes the next number; the
 * registered vendors and the askers (of this question and of those merged into it) are mailed.
 */
export async function answerQuestion (ctx: ServiceContext, actor: UserActor, slug: string, questionId: string, input: Answer): Promise<{ number: number }> {
  const at = nowIso(ctx)
  const problems = [
    ...textProblems('question', input.question, QUESTION_MIN_LENGTH, QUESTION_MAX_LENGTH),
    ...textProblems('answer', input.answer, 1, ANSWER_MAX_LENGTH)
  ]
  return await ctx.db.transaction().execute(async (trx) => {
    const rfp = await findVisibleRfp(trx, ctx, actor, slug)
    authorize(ctx, actor, { action: 'rfp.questions.answer', rfp })
    if (rfp.state === 'cancelled') throw new InvalidStateError('the RFP was cancelled')
    // The committee's handling of one RFP's questions takes turns: numbers are given once each, and a merge
    // sees the state its target is really in.
    await lockQuestions(trx, rfp.id)
    const question = await findQuestion(trx, rfp.id, questionId)
    if (question === undefined || question.status === 'unconfirmed') throw new NotFoundError('no such question on this RFP')
    if (question.status !== 'open' && question.status !== 'answered') throw new InvalidStateError(`the question was ${question.status}`)
    if (problems.length > 0) throw invalidInput(problems)
    const revised = question.status === 'answered'
    const number = question.number ?? await nextQuestionNumber(trx, rfp.id)
    const text = { published_question: input.question.trim(), answer: input.answer.trim() }
    const updated = revised
      ? await updateQuestion(trx, question.id, ['answered'], { ...text, updated_at: at })
      : await updateQuestion(trx, question.id, ['open'], { ...text, status: 'answered', number, answered_by: actor.userId, answered_at: at, updated_at: at })
    if (!updated) throw new InvalidStateError('the question was handled meanwhile: reload it')
    await appendAuditEvent(trx, {
      at,
      type: revised ? 'rfp.answer.revised' : 'rfp.question.answered',
      actorId: actor.userId,
      rfpId: rfp.id,
      public: true,
      data: { slug: rfp.slug, title: rfp.title, number, question: text.published_question, answer: text.answer }
    })
    const invited = rfp.document.eligibility.mode === 'invited' ? rfp.document.eligibility.vendors : []
    const askers = revised
      ? []
      : await askerAddresses(trx, rfp.id, question.id)
    const recipients = new Map([...await vendorAddresses(trx, rfp.id, invited), ...askers].map((address) => [normalizeEmail(address), address]))
    for (const to of recipients.values()) {
      await queueMail(trx, ctx, { template: 'question-answered', to, data: { title: rfp.title, number, revised, question: text.published_question, answer: text.answer, path: `/rfps/${rfp.slug}#answer-${number}` } })
    }
    return { number }
  })
}

/** Rejects an open question with a reason, which is mailed to the asker and never published. */
export async function rejectQuestion (ctx: ServiceContext, actor: UserActor, slug: string, questionId: string, reason: string): Promise<void> {
  const at = nowIso(ctx)
  const problems = textProblems('reason', reason, 1, 2000)
  await ctx.db.transaction().execute(async (trx) => {
    const { rfp, question } = await findQuestionToHandle(trx, ctx, actor, slug, questionId)
    if (problems.length > 0) throw invalidInput(problems.map((p) => ({ ...p, message: p.message === 'cannot be empty' ? 'say why: the asker is told' : p.message })))
    if (!await updateQuestion(trx, question.id, ['open'], { status: 'rejected', reason: reason.trim(), updated_at: at })) {
      throw new InvalidStateError(`the question was ${question.status} already`)
    }
    await appendAuditEvent(trx, { at, type: 'rfp.question.rejected', actorId: actor.userId, rfpId: rfp.id, public: false, data: { questionId, reason: reason.trim() } })
    await queueMail(trx, ctx, { template: 'question-rejected', to: question.asker_email, data: { title: rfp.title, question: question.body, reason: reason.trim(), path: `/rfps/${rfp.slug}` } })
  })
}

/** Marks an open question as a duplicate of another (open or answered) one; its asker is mailed that answer. */
export async function mergeQuestion (ctx: ServiceContext, actor: UserActor, slug: string, questionId: string, intoId: string): Promise<void> {
  const at = nowIso(ctx)
  await ctx.db.transaction().execute(async (trx) => {
    const { rfp, question } = await findQuestionToHandle(trx, ctx, actor, slug, questionId)
    const into = intoId === questionId ? undefined : await findQuestion(trx, rfp.id, intoId)
    if (into === undefined || (into.status !== 'open' && into.status !== 'answered')) {
      throw invalidInput([{ path: 'into', message: 'choose another open or answered question of this RFP' }])
    }
    if (!await updateQuestion(trx, question.id, ['open'], { status: 'merged', merged_into: into.id, updated_at: at })) {
      throw new InvalidStateError(`the question was ${question.status} already`)
    }
    await appendAuditEvent(trx, { at, type: 'rfp.question.merged', actorId: actor.userId, rfpId: rfp.id, public: false, data: { questionId, into: into.id } })
    if (into.status === 'answered') {
      await queueMail(trx, ctx, {
        template: 'question-answered',
        to: question.asker_email,
        data: { title: rfp.title, number: into.number, revised: false, question: into.published_question, answer: into.answer, path: `/rfps/${rfp.slug}#answer-${String(into.number)}` }
      })
    }
  })
}

/** The published answers, by number. */
export async function listPublicAnswers (ctx: ServiceContext, actor: Actor, slug: string) {
  const rfp = await getRfp(ctx, actor, slug)
  return await listAnswered(ctx.db, rfp.id, PUBLIC_LIST_LIMIT)
}

/**
 * Every confirmed question, for the committee. Only owners, who answer and may need to write back, see who
 * asked: an evaluator who knew which vendor asked what could be swayed before scoring.
 */
export async function listQuestionsForCommittee (ctx: ServiceContext, actor: UserActor, slug: string) {
  const rfp = await getRfp(ctx, actor, slug)
  authorize(ctx, actor, { action: 'rfp.committee.view', rfp })
  const owner = isAllowed(ctx, actor, { action: 'rfp.questions.answer', rfp })
  return (await listForCommittee(ctx.db, rfp.id, COMMITTEE_LIST_LIMIT)).map((q) => ({ ...q, asker_email: owner ? q.asker_email : null }))
}

/** Deletes questions whose confirmation link has expired unopened, with the address a stranger may have typed. */
export async function sweepUnconfirmedQuestions (ctx: ServiceContext): Promise<number> {
  return await deleteUnconfirmedBefore(ctx.db, nowIso(ctx))
}
