// The work of Zoom's official webhook sample (github.com/zoom/webhook-sample, index.js) on plain
// node:http instead of Express + body-parser, for `relay-bench`'s intake_node scenario.
//
// Per request, like the sample: parse the JSON body, log the body and the headers, rebuild the
// message as `v0:{timestamp}:{JSON.stringify(body)}`, HMAC-SHA256 it with the secret token, log the
// message and the signature, compare with x-zm-signature, answer the CRC or a JSON 200, and log the
// response. Nothing is stored. Run with stdout sent to /dev/null (the benchmark does that).
//
// Differences from the sample, both on the benchmark's side of the comparison:
// - no Express: routing and body parsing are lighter, so this is faster than the real sample;
// - a wrong signature gets 401 (the sample answers 200 with "Unauthorized ..."), so the benchmark
//   counts it as an error instead of a success.
//
// Usage: ZOOM_WEBHOOK_SECRET_TOKEN=... node server.js [PORT]   (0 picks a free port)
// Prints `LISTENING 127.0.0.1:PORT` on stderr once it accepts connections.
'use strict'
const http = require('node:http')
const crypto = require('node:crypto')

const secret = process.env.ZOOM_WEBHOOK_SECRET_TOKEN
if (!secret) {
  console.error('ZOOM_WEBHOOK_SECRET_TOKEN is not set')
  process.exit(2)
}
const port = Number(process.argv[2] || 0)

function reply (res, status, obj) {
  const body = JSON.stringify(obj)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body)
  })
  res.end(body)
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || !req.url.startsWith('/zoom/webhook')) {
    return reply(res, 404, { message: 'not found' })
  }
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    let body
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch (e) {
      return reply(res, 400, { message: 'invalid JSON' })
    }
    console.log(body)
    console.log(req.headers)
    const message = `v0:${req.headers['x-zm-request-timestamp']}:${JSON.stringify(body)}`
    console.log(message)
    const signature = `v0=${crypto.createHmac('sha256', secret).update(message).digest('hex')}`
    console.log(signature)
    if (req.headers['x-zm-signature'] !== signature) {
      const response = { message: 'Unauthorized request to Webhook Sample Node.js.', status: 401 }
      console.log(response.message)
      return reply(res, response.status, response)
    }
    if (body.event === 'endpoint.url_validation') {
      const hash = crypto.createHmac('sha256', secret).update(body.payload.plainToken).digest('hex')
      const message = { plainToken: body.payload.plainToken, encryptedToken: hash }
      console.log(message)
      return reply(res, 200, message)
    }
    const response = { message: 'Authorized request to Webhook Sample Node.js.', status: 200 }
    console.log(response.message)
    reply(res, response.status, response)
  })
})

server.listen(port, '127.0.0.1', () => {
  const a = server.address()
  process.stderr.write(`LISTENING ${a.address}:${a.port}\n`)
})

// Stop when the benchmark closes stdin.
process.stdin.on('end', () => {
  server.close(() => process.exit(0))
  server.closeAllConnections()
})
process.stdin.resume()
