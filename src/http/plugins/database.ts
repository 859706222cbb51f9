// Opens the database for the app's lifetime and closes it when the app closes.
import fp from 'fastify-plugin'
import { openDatabase, type Db } from '../../db/database.js'
import type { Config } from '../../config.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
  }
}

export default fp<{ config: Config }>(async (app, { config }) => {
  const db = openDatabase(config)
  app.decorate('db', db)
  app.addHook('onClose', async () => { await db.destroy() })
}, { name: 'shortlist-database' })
