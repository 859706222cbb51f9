import t from 'tap'
import { describeFailure, isPermanentFailure, messageIdFor, retryDelayMs } from '../../../src/domain/mail-delivery.js'

t.test('5xx replies and refused envelopes are permanent; everything else is retried', async (t) => {
  const cases: [Parameters<typeof isPermanentFailure>[0], boolean][] = [
    [{ responseCode: 550, message: 'no such user' }, true],
    [{ responseCode: 554, code: 'EMESSAGE', message: 'rejected' }, true],
    [{ responseCode: 421, message: 'closing' }, false],
    [{ responseCode: 451, code: 'EMESSAGE', message: 'greylisted' }, false],
    [{ code: 'EENVELOPE', message: 'no recipients' }, true],
    [{ code: 'ECONNECTION', message: 'refused' }, false],
    [{ code: 'ETIMEDOUT', message: 'timed out' }, false],
    [{ code: 'EAUTH', responseCode: 535, message: 'bad credentials' }, true],
    [{ code: 'EAUTH', message: 'no auth offered' }, false],
    [{ message: 'something odd' }, false]
  ]
  for (const [failure, permanent] of cases) t.equal(isPermanentFailure(failure), permanent, JSON.stringify(failure))
})

t.test('the wait doubles from the base up to the cap', async (t) => {
  t.same([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, 1000, 10000)), [1000, 2000, 4000, 8000, 10000, 10000])
  t.equal(retryDelayMs(0, 1000, 10000), 1000)
})

t.test('a failure is described on one line, with its code, at most 500 characters', async (t) => {
  t.equal(describeFailure({ responseCode: 451, message: 'try\r\n again' }), '451 try again')
  t.equal(describeFailure({ code: 'ECONNECTION', message: 'refused' }), 'ECONNECTION refused')
  t.equal(describeFailure({ message: 'x'.repeat(600) }).length, 500)
})

t.test('Message-IDs are made from the id and the public host name', async (t) => {
  t.equal(messageIdFor('abc', 'https://rfp.example.org/base'), '<abc@rfp.example.org>')
})
