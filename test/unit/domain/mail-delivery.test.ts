import t from 'tap'
import { classifyFailure, describeFailure, messageIdFor, oneLine, retryDelayMs, type DeliveryFailure } from '../../../src/domain/mail-delivery.js'

t.test('a failure is about the message only when its recipient or its content was refused', async (t) => {
  const cases: [DeliveryFailure, string][] = [
    [{ responseCode: 550, command: 'RCPT TO', message: 'no such user' }, 'permanent'],
    [{ responseCode: 554, command: 'DATA', code: 'EMESSAGE', message: 'rejected' }, 'permanent'],
    [{ responseCode: 452, command: 'RCPT TO', message: 'mailbox full' }, 'retry'],
    [{ responseCode: 451, command: 'DATA', message: 'greylisted' }, 'retry'],
    [{ code: 'EENVELOPE', message: 'no recipients defined' }, 'permanent'],
    [{ code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM', message: 'sender refused' }, 'server'],
    [{ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', message: 'bad credentials' }, 'server'],
    [{ code: 'ECONNECTION', command: 'CONN', message: 'refused' }, 'server'],
    [{ code: 'ETLS', message: 'no STARTTLS' }, 'server'],
    [{ responseCode: 554, command: 'CONN', message: 'go away' }, 'server'],
    [{ code: 'ETIMEDOUT', message: 'timed out' }, 'server'],
    [{ message: 'something odd' }, 'server']
  ]
  for (const [failure, kind] of cases) t.equal(classifyFailure(failure), kind, JSON.stringify(failure))
})

t.test('the wait doubles from the base up to the cap', async (t) => {
  t.same([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, 1000, 10000)), [1000, 2000, 4000, 8000, 10000, 10000])
  t.equal(retryDelayMs(0, 1000, 10000), 1000)
})

t.test('a failure is described on one line, with its code and command, at most 500 characters', async (t) => {
  t.equal(describeFailure({ responseCode: 451, command: 'DATA', message: 'try\r\n again' }), '451 try again (DATA)')
  t.equal(describeFailure({ code: 'ECONNECTION', message: 'refused' }), 'ECONNECTION refused')
  t.equal(describeFailure({ message: 'x'.repeat(600) }).length, 500)
})

t.test('text from outside loses its control characters', async (t) => {
  t.equal(oneLine('Title\u001b[2J\u0007 with\tescapes\u009b'), 'Title [2J with escapes')
})

t.test('Message-IDs are made from the id and the public host name', async (t) => {
  t.equal(messageIdFor('abc', 'https://rfp.example.org/base'), '<abc@rfp.example.org>')
})
