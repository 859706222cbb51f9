// What every service function is given: the database, the injected clock and randomness, and how to write mail.
import type { KeyObject } from 'node:crypto'
import type { Config } from '../config.js'
import { loadOrCreateSecret } from '../secrets.js'
import type { Db } from '../db/database.js'
import type { Clock, RandomSource } from '../deps.js'
import type { FileTypeId } from '../domain/file-types.js'
import { uuidFromBytes } from '../domain/ids.js'
import { ed25519PrivateKeyFromSeed } from '../domain/signed-note.js'
import { logOrigin } from '../domain/transparency-log.js'
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
  /** The transparency log's origin and signing key; the key is read (or made) on first use. */
  transparency: { origin: string, signingKey: () => KeyObject }
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

/** The log's Ed25519 key from its seed in config, or in `<dataDir>/transparency-key`, made on first use. */
export function transparencyKeyOf (config: Config, random: RandomSource): () => KeyObject {
  let key: KeyObject | undefined
  return () => {
    key ??= ed25519PrivateKeyFromSeed(Buffer.from(config.keys.transparencyKey !== '' ? config.keys.transparencyKey : loadOrCreateSecret(config.dataDir, 'transparency-key', random), 'base64url'))
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
    attestation: config.evaluation.attestation,
    transparency: { origin: logOrigin(config.publicRecord.transparencyOrigin, config.publicUrl), signingKey: transparencyKeyOf(config, random) }
  }
}

export function newId (ctx: ServiceContext): string {
  return uuidFromBytes(ctx.random.bytes(16))
}

export function nowIso (ctx: ServiceContext): string {
  return ctx.clock.now().toISOString()
}
