// papergate: small helpers shared by the screens. Every state-changing request
// carries the session's CSRF token from <meta name="csrf">.
'use strict';
const PG = (() => {
  const csrf = () => document.querySelector('meta[name=csrf]').content;
  async function api(method, url, body) {
    const opts = {method, credentials: 'same-origin', headers: {'X-CSRF-Token': csrf()}};
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    let r;
    try {
      r = await fetch(url, opts);
    } catch (e) {
      return {status: 0, data: {error: {message: '无法连接服务器，请检查网络。'}}};
    }
    let data = null;
    try { data = await r.json(); } catch (e) { /* not JSON */ }
    if (r.status === 401) {
      location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
    }
    return {status: r.status, data};
  }
  function errorText(res) {
    return (res.data && res.data.error && res.data.error.message) || ('HTTP ' + res.status);
  }
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    for (const k of kids) if (k != null) e.append(k);
    return e;
  };
  const statusNames = {uploaded: '已上传', splitting: '拆页中', recognizing: '识别中', in_review: '待审核',
    verified: '已核对', exported: '已导出', failed: '失败'};
  const levelNames = {province: '省级', municipality: '直辖市', prefecture: '地市级', '': '未定'};
  const fmtTime = (s) => {
    const d = new Date(s);
    const p = (n) => String(n).padStart(2, '0');
    return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  };
  return {csrf, api, errorText, el, statusNames, levelNames, fmtTime};
})();

// Forms that undo something ask first.
document.addEventListener('submit', (e) => {
  const msg = e.target.dataset && e.target.dataset.confirm;
  if (msg && !window.confirm(msg)) e.preventDefault();
});
