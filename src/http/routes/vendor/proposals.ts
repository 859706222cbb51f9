// /vendor/rfps/:slug/proposal and below: a vendor contact submits (multipart, files streamed and sealed on
// arrival), replaces and withdraws its organisation's proposal, and keeps its receipts; a partner's contact
// confirms its part in a consortium.
import multipart, { type Multipart } from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { FILE_TYPES } from '../../../domain/file-types.js'
import { OTHER_PART } from '../../../domain/proposal.js'
import { RECEIPT_HASH_PATTERN } from '../../../domain/receipt.js'
import type { Problem } from '../../../domain/schema-problems.js'
import { TooLargeError, invalidInput, isInvalidInput } from '../../../errors.js'
import { sealUpload, type UploadedFile } from '../../../services/proposal-uploads.js'
import { confirmConsortium, getMyProposal, getReceipt, previewConsortium, submitProposal, withdrawProposal } from '../../../services/proposals.js'
import { discardStoredFiles } from '../../../services/stored-files.js'
import { isProposalField, PERSON_ROWS, proposalFieldLabel, proposalFromFields, type ProposalFields } from '../../forms/proposal-form.js'
import { checkMultipartCsrf } from '../../multipart-csrf.js'
import { CsrfField } from '../public/sign-in.js'
import { SlugParam } from '../public/rfp.js'

const Params = Type.Object({ slug: SlugParam })
const ReceiptParams = Type.Object({ slug: SlugParam, hash: Type.String({ pattern: RECEIPT_HASH_PATTERN.source, description: 'A receipt hash: 64 lowercase hex digits' }) })
const Token = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'The token from the confirmation link' })
/** Text fields of the form, and their size: the summary's 20,000 characters in UTF-8 at most; and in all. */
const FIELD_BYTES = 80 * 1024
const TEXT_BYTES = 512 * 1024
/** The summary, three per person, the price's four, up to 20 partners and the token. */
const FIELDS = 3 * PERSON_ROWS + 30
/**
 * Submissions one vendor contact may make per hour (DESIGN §6: upload routes are rate limited). Far above what a
 * vendor replacing its proposal needs; it stops a script filling the disk with files that are swept only later.
 */
const SUBMISSIONS_PER_HOUR = 30

const vendorProposals: FastifyPluginAsyncTypebox = async (app) => {
  const limits = app.ctx.proposals
  // Only here: elsewhere a multipart body is refused as an unsupported media type.
  await app.register(multipart, {
    limits: { fieldSize: FIELD_BYTES, fields: FIELDS, files: limits.maxFiles, parts: FIELDS + limits.maxFiles + 1, fileSize: limits.maxFileBytes + 1, headerPairs: 100 }
  })
  app.addHook('preHandler', async (request, reply) => {
    if (request.viewer === null) return await reply.redirect('/sign-in', 303)
  })

  const showForm = async (request: FastifyRequest, reply: FastifyReply, slug: string, extra: { problems?: Problem[], fields?: ProposalFields } = {}) => {
    const page = await getMyProposal(app.ctx, request.viewer!.actor, slug)
    const fields = extra.fields ?? {}
    const people = Array.from({ length: Math.max(3, (fields.person_name?.length ?? 0) + 1) }, (_, i) => ({
      name: fields.person_name?.[i] ?? '', role: fields.person_role?.[i] ?? '', experience: fields.person_experience?.[i] ?? ''
    })).slice(0, PERSON_ROWS)
    const chosen = new Set(fields.partners ?? [])
    return await reply.code(extra.problems === undefined ? 200 : 400).view('pages/vendor/proposal.hbs', {
      title: `Your proposal: ${page.rfp.title}`,
      ...page,
      people,
      summary: fields.summary?.[0] ?? '',
      price: { amount: fields.price_amount?.[0] ?? '', currency: fields.price_currency?.[0] ?? '', notes: fields.price_notes?.[0] ?? '' },
      partnerChoices: page.partnerChoices.map((choice) => ({ ...choice, checked: chosen.has(choice.id) })),
      problems: extra.problems?.map((p) => ({ label: proposalFieldLabel(p.path), message: p.message })),
      accepted: limits.allowedTypes.map((id) => FILE_TYPES[id].label).join(', '),
      maxFileSize: byteSize(limits.maxFileBytes),
      maxProposalSize: byteSize(limits.maxProposalBytes),
      maxFiles: limits.maxFiles,
      otherPart: OTHER_PART
    })
  }

  app.get('/vendor/rfps/:slug/proposal', { schema: { params: Params } }, async (request, reply) => await showForm(request, reply, request.params.slug))

  app.post('/vendor/rfps/:slug/proposal', {
    // Per account, not per address: vendors behind one address (an office, a proxy) must not share one budget.
    config: { rateLimit: { max: SUBMISSIONS_PER_HOUR, timeWindow: 60 * 60 * 1000, keyGenerator: (request) => typeof request.session.userId === 'string' ? `user:${request.session.userId}` : `ip:${request.ip}` } },
    schema: { params: Params }
  }, async (request, reply) => {
    const actor = request.viewer!.actor
    const { slug } = request.params
    if (!request.isMultipart()) return await reply.code(415).send({ statusCode: 415, error: 'Unsupported Media Type', message: 'a proposal is sent as multipart/form-data' })
    const uploaded: UploadedFile[] = []
    const fields: ProposalFields = {}
    let withPrice = false
    try {
      let first = true
      let total = 0
      let text = 0
      for await (const part of request.parts() as AsyncIterableIterator<Multipart>) {
        if (first) {
          first = false
          checkMultipartCsrf(request, part.type === 'field' && part.fieldname === '_csrf' ? part.value : undefined)
          continue
        }
        if (part.type === 'file') {
          const match = /^files\.([a-z0-9][a-z0-9-]{0,39})$/.exec(part.fieldname)
          if (match === null) throw invalidField(part.fieldname)
          // A file input left empty still sends a part, with no name and no bytes.
          if (part.filename === '') {
            part.file.resume()
            continue
          }
          const file = await sealUpload(app.ctx, actor, slug, { part: match[1]!, fileName: part.filename, content: part.file, maxBytes: limits.maxProposalBytes - total })
          uploaded.push(file)
          total += file.size
        } else if (part.fieldname === 'with_price') {
          withPrice = true
        } else if (isProposalField(part.fieldname)) {
          if (part.valueTruncated) throw tooLongField(part.fieldname)
          text += Buffer.byteLength(String(part.value))
          if (text > TEXT_BYTES) throw new TooLargeError(`the form's text is longer than ${TEXT_BYTES} bytes in all`)
          ;(fields[part.fieldname] ??= []).push(String(part.value))
        } else {
          throw invalidField(part.fieldname)
        }
      }
      // A body with no part at all never reached the check above.
      if (first) checkMultipartCsrf(request, undefined)
      const { input, problems } = proposalFromFields(fields, withPrice)
      if (problems.length > 0) throw invalidInput(problems)
      const receipt = await submitProposal(app.ctx, actor, slug, input, uploaded)
      return await reply.redirect(`/vendor/rfps/${slug}/receipts/${receipt.hash}`, 303)
    } catch (error) {
      // Nothing of a refused submission is kept.
      await discardStoredFiles(app.ctx, uploaded.map((file) => file.storedFileId))
      if (isInvalidInput(error)) return await showForm(request, reply, slug, { problems: error.problems, fields })
      throw error
    }
  })

  app.post('/vendor/rfps/:slug/proposal/withdraw', {
    preHandler: app.csrfProtection,
    schema: { params: Params, body: Type.Object({ _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    await withdrawProposal(app.ctx, request.viewer!.actor, request.params.slug)
    return await reply.redirect(`/vendor/rfps/${request.params.slug}/proposal`, 303)
  })

  app.get('/vendor/rfps/:slug/receipts/:hash', { schema: { params: ReceiptParams } }, async (request, reply) => {
    const receipt = await getReceipt(app.ctx, request.viewer!.actor, request.params.slug, request.params.hash)
    return await reply.view('pages/vendor/receipt.hbs', { title: `Receipt ${receipt.hash.slice(0, 12)}…`, ...receipt, manifestJson: JSON.stringify(receipt.manifest, null, 2) })
  })

  app.get('/vendor/rfps/:slug/receipts/:hash/download', { schema: { params: ReceiptParams } }, async (request, reply) => {
    const receipt = await getReceipt(app.ctx, request.viewer!.actor, request.params.slug, request.params.hash)
    return await reply
      .header('content-disposition', `attachment; filename="receipt-${receipt.hash}.json"`)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify({ receiptHash: receipt.hash, manifest: receipt.manifest }, null, 2) + '\n')
  })

  app.get('/vendor/consortia/confirm', { schema: { querystring: Type.Object({ token: Token }) } }, async (request, reply) => {
    const preview = await previewConsortium(app.ctx, request.viewer!.actor, request.query.token)
    return await reply.view('pages/vendor/consortium-confirm.hbs', { ...preview, rfpTitle: preview.title, title: `Confirm your part: ${preview.title}`, token: request.query.token })
  })

  app.post('/vendor/consortia/confirm', {
    preHandler: app.csrfProtection,
    schema: { body: Type.Object({ token: Token, _csrf: CsrfField }, { additionalProperties: false }) }
  }, async (request, reply) => {
    const { slug } = await confirmConsortium(app.ctx, request.viewer!.actor, request.body.token)
    return await reply.redirect(`/rfps/${slug}`, 303)
  })
}

/** A limit in words: "100 MiB", "512 KiB". */
function byteSize (bytes: number): string {
  if (bytes >= 1048576) return `${Math.floor(bytes / 1048576)} MiB`
  return bytes >= 1024 ? `${Math.floor(bytes / 1024)} KiB` : `${bytes} bytes`
}

function invalidField (name: string): Error {
  return invalidInput([{ path: name.slice(0, 60), message: 'is not a field of the proposal form' }])
}

function tooLongField (name: string): Error {
  return invalidInput([{ path: name, message: `is longer than ${FIELD_BYTES} bytes` }])
}

export default vendorProposals
