/// The payment page's Mustache templates (swift-mustache), as Swift constants: nothing is read from disk at run
/// time, and every `{{value}}` is HTML-escaped by the renderer (`{{{...}}}` only for the QR code's SVG, which the
/// kit draws itself from a code_url, and the per-response nonce).
enum PayPageTemplates {
    /// The confirmation page. The page's own script and style carry the response's CSP nonce; the sandbox's
    /// stand-in `WeixinJSBridge` is a same-origin script (`_sandbox/bridge.js`), present only against the emulator.
    static let page = #"""
<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{t.title}}</title>
<style nonce="{{{nonce}}}">
body{margin:0;font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f2f2f2;color:#111}
main{max-width:28rem;margin:0 auto;padding:1.25rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.1rem;font-weight:600;margin:0 0 1rem}
.merchant{color:#555;margin:0 0 .25rem}
.description{margin:0 0 1rem;word-break:break-word}
.amount{font-size:2.25rem;font-weight:700;margin:0 0 .25rem}
.amount small{font-size:1rem;font-weight:400;margin-right:.25rem}
.countdown{color:#555;margin:0 0 1rem}
.button{display:block;width:100%;box-sizing:border-box;text-align:center;background:#07c160;color:#fff;border:0;border-radius:8px;padding:.9rem;font-size:1.05rem;text-decoration:none;cursor:pointer}
.qr{text-align:center}
.qr svg{width:100%;max-width:16rem;height:auto}
.state{margin:1rem 0 0;padding:.75rem;border-radius:8px;background:#f7f7f7}
body[data-state=succeeded] .state,body[data-state=refunded] .state{background:#e7f8ee;color:#06753b}
body[data-state=failed] .state,body[data-state=closed] .state,body[data-state=expired] .state{background:#fdecec;color:#a61b1b}
body:not([data-state=requires_confirmation]) .action,body:not([data-state=requires_confirmation]) .countdown{display:none}
</style>
</head>
<body data-state="{{status}}" data-remaining="{{remaining}}" data-status-url="{{statusURL}}" data-messages="{{messagesJSON}}"{{#params}} data-params="{{params}}"{{/params}}{{#sandboxPayURL}} data-sandbox-pay-url="{{sandboxPayURL}}"{{/sandboxPayURL}}>
<main>
<div class="card">
<h1>{{t.title}}</h1>
<p class="merchant" id="merchant">{{merchant}}</p>
<p class="description" id="description">{{description}}</p>
<p class="amount" id="amount"><small>¥</small>{{yuan}}</p>
<p class="countdown">{{t.expiresIn}} <span id="countdown">{{countdown}}</span></p>
<div class="action" id="action">
{{#jsapi}}<button class="button" id="pay" type="button">{{t.payButton}}</button>{{/jsapi}}
{{#openInWeChat}}<p id="hint">{{t.openInWeChat}}</p>{{/openInWeChat}}
{{#h5URL}}<a class="button" id="h5" href="{{h5URL}}" rel="noreferrer">{{t.h5Link}}</a>{{/h5URL}}
{{#openInBrowser}}<p id="hint">{{t.openInBrowser}}</p>{{/openInBrowser}}
{{#qrSVG}}<div class="qr" id="qr">{{{qrSVG}}}</div><p id="hint">{{t.scan}}</p>{{/qrSVG}}
</div>
<p class="state" id="state" role="status">{{stateText}}</p>
</div>
</main>
{{#sandboxPayURL}}<script nonce="{{{nonce}}}" src="_sandbox/bridge.js"></script>{{/sandboxPayURL}}
<script nonce="{{{nonce}}}">{{{script}}}</script>
</body>
</html>
"""#

    /// The answer to an unknown intent and to a wrong or missing token alike (nothing tells them apart).
    static let notFound = #"""
<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{t.notFoundTitle}}</title>
</head>
<body>
<h1>{{t.notFoundTitle}}</h1>
<p>{{t.notFound}}</p>
</body>
</html>
"""#

    /// The page's behaviour: the countdown, polling `status` (every 3 s until a final state), and the pay button
    /// inside WeChat (`WeixinJSBridge.invoke('getBrandWCPayRequest', params, cb)`).
    static let script = #"""
(function () {
  var body = document.body, data = body.dataset;
  var messages = JSON.parse(data.messages);
  var stateBox = document.getElementById('state');
  var countdown = document.getElementById('countdown');
  var remaining = parseInt(data.remaining, 10) || 0, started = Date.now();
  var final = body.getAttribute('data-state') !== 'requires_confirmation';
  var polling = false;
  function show(state) {
    body.setAttribute('data-state', state);
    stateBox.textContent = messages[state] || state;
    final = state !== 'requires_confirmation';
  }
  function left() { return Math.max(0, remaining - Math.floor((Date.now() - started) / 1000)); }
  function tick() {
    var s = left();
    countdown.textContent = Math.floor(s / 60) + ':' + ('0' + (s % 60)).slice(-2);
  }
  function poll() {
    if (final || polling) { return; }
    polling = true;
    fetch(data.statusUrl, { cache: 'no-store', credentials: 'omit' }).then(function (r) {
      return r.status === 200 ? r.json() : null;
    }).then(function (answer) {
      polling = false;
      if (answer && answer.status) { show(answer.status); }
    }, function () { polling = false; });
  }
  tick();
  setInterval(function () { if (!final) { tick(); } }, 1000);
  setInterval(poll, 3000);
  var pay = document.getElementById('pay');
  if (pay) {
    pay.addEventListener('click', function () {
      var params = JSON.parse(data.params);
      function invoke() {
        WeixinJSBridge.invoke('getBrandWCPayRequest', params, function (res) {
          if (res && res.err_msg === 'get_brand_wcpay_request:ok') {
            stateBox.textContent = messages.confirming;
            poll();
          } else if (res && res.err_msg === 'get_brand_wcpay_request:cancel') {
            stateBox.textContent = messages.cancelled;
          }
        });
      }
      if (typeof WeixinJSBridge === 'undefined') {
        document.addEventListener('WeixinJSBridgeReady', invoke, false);
      } else {
        invoke();
      }
    });
  }
})();
"""#

    /// The sandbox's stand-in for WeChat's `WeixinJSBridge` (served only when the secrets' `api_base` is a loopback
    /// address, i.e. the emulator): `getBrandWCPayRequest` asks wxpay-server to have the emulator pay the order,
    /// which then notifies `/webhook` as WeChat Pay would.
    static let sandboxBridge = #"""
(function () {
  if (typeof window.WeixinJSBridge !== 'undefined') { return; }
  window.WeixinJSBridge = {
    sandbox: true,
    invoke: function (name, params, callback) {
      if (name !== 'getBrandWCPayRequest') { callback({ err_msg: name + ':fail' }); return; }
      fetch(document.body.dataset.sandboxPayUrl, {
        method: 'POST', cache: 'no-store', credentials: 'omit',
        headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params)
      }).then(function (r) {
        callback({ err_msg: r.status === 200 ? 'get_brand_wcpay_request:ok' : 'get_brand_wcpay_request:fail' });
      }, function () { callback({ err_msg: 'get_brand_wcpay_request:fail' }); });
    }
  };
  document.dispatchEvent(new Event('WeixinJSBridgeReady'));
})();
"""#
}
