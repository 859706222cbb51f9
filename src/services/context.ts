// What every service function is given: the database, the injected clock and randomness, and how to write mail.
import type { Config } from '../config.js'
import { loadOrCreateSecret } from '../secrets.js'
import type { Db } from '../db/database.js'
import type { Clock, RandomSource } from '../deps.js'
import type { FileTypeId } from '../domain/file-types.js'
import { uuidFromBytes } from '../domain/ids.js'
import { createMailRenderer, type MailRenderer } from '../mail/render.js'
import type { FileStore } from '../storage/file-store.js'
import { createFileStore } from '../storage/index.js'

export interface MailSettings {
  from: string
  publicUrl: string
  renderer: MailRenderer
}

export interface ServiceContext {
  db: Db
  clock: Clock
  random: RandomSource
  mail: MailSettings
  files: FileStore
  /** The instance key that wraps opening keys; read (or made) on first use, so commands that need none never touch it. */
  instanceKey: () => Buffer
  proposals: ProposalLimits
  /** The attestation shown to committee members where the RFP gives none. */
  attestation: string
}

export interface ProposalLimits {
  maxFileBytes: number
  maxProposalBytes: number
  maxFiles: number
  allowedTypes: readonly FileTypeId[]
}

/** The instance key from config, or from `<dataDir>/instance-key`, made on first use. */
function instanceKeyOf (config: Config, random: RandomSource): () => Buffer {
  let key: Buffer | undefined
  return () => {
    key ??= Buffer.from(config.keys.instanceKey !== '' ? config.keys.instanceKey : loadOrCreateSecret(config.dataDir, 'instance-key', random), 'base64url')
    return key
  }
}

export function createServiceContext ({ config, db, clock, random }: { config: Config, db: Db, clock: Clock, random: RandomSource }): ServiceContext {
  return {
    db,
    clock,
    random,
    mail: { from: config.mail.from, publicUrl: config.publicUrl, renderer: createMailRenderer(config.publicUrl) },
    files: createFileStore(config, db),
    instanceKey: instanceKeyOf(config, random),
    proposals: { ...config.proposals, allowedTypes: config.proposals.allowedTypes.split(',') as FileTypeId[] },
    attestation: config.evaluation.attestation
  }
}

export function newId (ctx: ServiceContext): string {
  return uuidFromBytes(ctx.random.bytes(16))
}

export function nowIso (ctx: ServiceContext): string {
  return ctx.clock.now().toISOString()
}
