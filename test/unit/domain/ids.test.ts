import t from 'tap'
import { uuidFromBytes } from '../../../src/domain/ids.js'

t.test('makes RFC 9562 version 4 UUIDs from 16 bytes', async (t) => {
  t.equal(uuidFromBytes(new Uint8Array(16).fill(0xff)), 'ffffffff-ffff-4fff-bfff-ffffffffffff')
  t.equal(uuidFromBytes(new Uint8Array(16)), '00000000-0000-4000-8000-000000000000')
  t.throws(() => uuidFromBytes(new Uint8Array(15)), RangeError)
})
