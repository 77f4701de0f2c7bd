import FunctionKit
import WebhookFunction

// webhook: receive a WeChat Pay notification: verify, decrypt, normalize, hand on, answer WeChat (docs/functions.md).
// The handler lives in WebhookFunction, shared with wxpay-server's POST /webhook.

FunctionRunner.main(WebhookFunction.descriptor, handler: WebhookFunction.handler())
