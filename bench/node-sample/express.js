// Zoom's official webhook sample (github.com/zoom/webhook-sample, index.js) as written there, on
// Express + body-parser, for `relay-bench`'s intake_node scenario. Express is not part of this
// repository: install it outside the tree (`npm install --prefix DIR express`) and point NODE_PATH
// at DIR/node_modules; without it the benchmark falls back to server.js (node:http).
//
// Per request, like the sample: body-parser parses the JSON body, the headers and the body are
// logged, the message `v0:{timestamp}:{JSON.stringify(body)}` is HMAC-SHA256'd with the secret
// token and compared with x-zm-signature, the CRC or a JSON 200 is answered and the response logged.
// Nothing is stored. Run with stdout sent to /dev/null (the benchmark does that).
//
// Differences from the sample: the route is /zoom/webhook* (the benchmark's path) instead of
// /webhook; the port comes from argv (0 picks a free one) and `LISTENING 127.0.0.1:PORT` goes to
// stderr; the process stops when stdin closes.
'use strict'
const express = require('express')
const bodyParser = require('body-parser')
const crypto = require('crypto')

const secret = process.env.ZOOM_WEBHOOK_SECRET_TOKEN
if (!secret) {
  console.error('ZOOM_WEBHOOK_SECRET_TOKEN is not set')
  process.exit(2)
}
const app = express()
const port = Number(process.argv[2] || 0)

app.use(bodyParser.json())

app.post(/^\/zoom\/webhook/, (req, res) => {
  let response
  console.log(req.headers)
  console.log(req.body)
  const message = `v0:${req.headers['x-zm-request-timestamp']}:${JSON.stringify(req.body)}`
  const hashForVerify = crypto.createHmac('sha256', secret).update(message).digest('hex')
  const signature = `v0=${hashForVerify}`
  if (req.headers['x-zm-signature'] === signature) {
    if (req.body.event === 'endpoint.url_validation') {
      const hashForValidate = crypto.createHmac('sha256', secret).update(req.body.payload.plainToken).digest('hex')
      response = {
        message: { plainToken: req.body.payload.plainToken, encryptedToken: hashForValidate },
        status: 200
      }
      console.log(response.message)
      res.status(response.status)
      res.json(response.message)
    } else {
      response = { message: 'Authorized request to Zoom Webhook sample.', status: 200 }
      console.log(response.message)
      res.status(response.status)
      res.json(response)
    }
  } else {
    response = { message: 'Unauthorized request to Zoom Webhook sample.', status: 401 }
    console.log(response.message)
    res.status(response.status)
    res.json(response)
  }
})

const server = app.listen(port, '127.0.0.1', () => {
  const a = server.address()
  process.stderr.write(`LISTENING ${a.address}:${a.port}\n`)
})

process.stdin.on('end', () => {
  server.close(() => process.exit(0))
  server.closeAllConnections()
})
process.stdin.resume()
