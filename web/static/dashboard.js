// Dashboard: counts and documents, refreshed every two seconds without reloading.
(() => {
  const main = document.getElementById('dashboard');
  if (!main) return;
  const {api, el, statusNames, levelNames, fmtTime, errorText} = PG;
  const canRetry = main.dataset.retry === 'true', canReview = main.dataset.review === 'true';
  const q = document.getElementById('q');
  let timer = null;

  function bar(done, total) {
    const pct = total ? Math.round(done * 100 / total) : 0;
    const b = el('div', {class: 'bar', title: `${done}/${total}`}, el('span', {style: `width:${pct}%`}));
    return el('div', {class: 'barcell'}, b, el('small', {text: `${pct}%`}));
  }
  function groups(id, list) {
    const tb = document.querySelector(`#${id} tbody`);
    tb.replaceChildren(...list.map(g => el('tr', {},
      el('td', {text: g.key ? `${g.name}（${g.key}）` : g.name}), el('td', {text: g.total}),
      el('td', {text: g.status.in_review || 0}), el('td', {text: g.status.failed || 0}), el('td', {}, bar(g.done, g.total)))));
  }
  function docLink(d) {
    if (canReview && (d.status === 'in_review' || d.status === 'verified')) return `/review/${d.id}`;
    return `/documents/${d.id}`;
  }
  async function retry(id, btn) {
    btn.disabled = true;
    const r = await api('POST', `/api/v1/documents/${id}/retry`);
    if (r.status !== 200) { alert('重试失败：' + errorText(r)); btn.disabled = false; return; }
    refresh();
  }
  async function refresh() {
    clearTimeout(timer);
    const query = q.value.trim();
    const [st, docs, failed] = await Promise.all([
      api('GET', '/api/v1/stats'),
      api('GET', '/api/v1/documents?limit=100' + (query ? '&q=' + encodeURIComponent(query) : '')),
      api('GET', '/api/v1/documents?status=failed&limit=50'),
    ]);
    if (st.status === 200) {
      const t = st.data.total;
      for (const card of document.querySelectorAll('#statuses .stat')) {
        card.querySelector('b').textContent = t.status[card.dataset.status] || 0;
      }
      const pct = t.total ? Math.round(t.done * 100 / t.total) : 0;
      document.querySelector('#overall span').style.width = pct + '%';
      document.getElementById('overall-text').textContent = `共 ${t.total} 份，已核对 ${t.done} 份（${pct}%），待审核 ${t.status.in_review || 0} 份`;
      groups('provinces', st.data.provinces);
      groups('levels', st.data.levels.map(g => ({...g, name: levelNames[g.key] || g.key, key: ''})));
    }
    if (docs.status === 200) {
      const tb = document.querySelector('#docs tbody');
      tb.replaceChildren(...docs.data.documents.map(d => el('tr', {'data-id': d.id},
        el('td', {text: d.id}), el('td', {}, el('a', {href: docLink(d), text: d.file_name})),
        el('td', {text: d.unit || ''}), el('td', {text: levelNames[d.level || ''] || d.level}), el('td', {text: d.pages}),
        el('td', {}, el('span', {class: `badge s-${d.status}`, text: statusNames[d.status] || d.status})),
        el('td', {class: 'muted', text: fmtTime(d.updated_at)}))));
      if (!docs.data.documents.length) tb.replaceChildren(el('tr', {}, el('td', {colspan: 7, class: 'muted', text: '没有文件。'})));
    }
    if (failed.status === 200) {
      const list = failed.data.documents;
      document.getElementById('failed-none').hidden = list.length > 0;
      document.querySelector('#failed tbody').replaceChildren(...list.map(d => {
        const btn = canRetry ? el('button', {type: 'button', text: '重试'}) : null;
        if (btn) btn.addEventListener('click', () => retry(d.id, btn));
        return el('tr', {}, el('td', {text: d.id}), el('td', {}, el('a', {href: `/documents/${d.id}`, text: d.file_name})),
          el('td', {class: 'reason', text: d.fail_reason || ''}), el('td', {}, btn));
      }));
    }
    timer = setTimeout(refresh, document.hidden ? 10000 : 2000);
  }
  let debounce;
  q.addEventListener('input', () => { clearTimeout(debounce); debounce = setTimeout(refresh, 250); });
  refresh();
})();
