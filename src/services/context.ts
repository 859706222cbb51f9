// What every service function is given: the database, the injected clock and randomness, and how to write mail.
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import type { Clock, RandomSource } from '../deps.js'
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
}

export function createServiceContext ({ config, db, clock, random }: { config: Config, db: Db, clock: Clock, random: RandomSource }): ServiceContext {
  return { db, clock, random, mail: { from: config.mail.from, publicUrl: config.publicUrl, renderer: createMailRenderer(config.publicUrl) }, files: createFileStore(config, db) }
}

export function newId (ctx: ServiceContext): string {
  return uuidFromBytes(ctx.random.bytes(16))
}

export function nowIso (ctx: ServiceContext): string {
  return ctx.clock.now().toISOString()
}
