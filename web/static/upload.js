// Upload: drag and drop or pick files; each goes to the API with its own progress
// bar (XMLHttpRequest reports upload progress, fetch does not), then its status is
// followed live until it reaches review or fails.
(() => {
  const main = document.getElementById('upload');
  if (!main) return;
  const {el, api, statusNames, csrf} = PG;
  const drop = document.getElementById('drop'), input = document.getElementById('files');
  const list = document.getElementById('uploads');
  const queue = [];
  let busy = 0;

  function add(files) {
    for (const f of files) {
      const bar = el('span', {style: 'width:0'});
      const state = el('span', {class: 'state', text: '等待上传'});
      const li = el('li', {}, el('b', {text: f.name}), el('div', {class: 'bar'}, bar), state);
      list.prepend(li);
      queue.push({file: f, bar, state, li});
    }
    pump();
  }
  function pump() {
    while (busy < 2 && queue.length) send(queue.shift());
  }
  function send(item) {
    busy++;
    const fd = new FormData();
    const unit = document.getElementById('unit').value.trim(), level = document.getElementById('level').value;
    if (unit) fd.append('unit', unit);
    if (level) fd.append('level', level);
    fd.append('file', item.file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/documents');
    xhr.setRequestHeader('X-CSRF-Token', csrf());
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) {
        const pct = Math.round(e.loaded * 100 / e.total);
        item.bar.style.width = pct + '%';
        item.state.textContent = `上传中 ${pct}%`;
      }
    };
    xhr.onload = () => {
      busy--; pump();
      let d = null;
      try { d = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      item.bar.style.width = '100%';
      if (xhr.status === 201) {
        item.li.classList.add('done');
        follow(item, d.id, `已上传 #${d.id}`);
      } else if (xhr.status === 200 && d && d.duplicate_of) {
        item.li.classList.add('dup');
        item.state.replaceChildren('重复：与 ', el('a', {href: `/documents/${d.duplicate_of}`, text: `#${d.duplicate_of}`}),
          ` 相同（${statusNames[d.status] || d.status}）`);
      } else {
        item.li.classList.add('failed');
        item.state.textContent = '未上传：' + ((d && d.error && d.error.message) || `HTTP ${xhr.status}`);
      }
    };
    xhr.onerror = () => {
      busy--; pump();
      item.li.classList.add('failed');
      item.state.textContent = '未上传：网络中断';
    };
    xhr.send(fd);
  }
  // follow polls a document's status until it is in review, verified or failed.
  async function follow(item, id, prefix) {
    const r = await api('GET', `/api/v1/documents/${id}`);
    if (r.status === 200) {
      const d = r.data;
      const s = statusNames[d.status] || d.status;
      item.state.replaceChildren(`${prefix} · `, el('a', {href: `/documents/${id}`, class: `badge s-${d.status}`, text: s}),
        d.pages ? ` · ${d.pages} 页` : '', d.fail_reason ? ` · ${d.fail_reason}` : '');
      if (['in_review', 'verified', 'exported', 'failed'].includes(d.status)) return;
    }
    setTimeout(() => follow(item, id, prefix), 1500);
  }
  input.addEventListener('change', () => { add(input.files); input.value = ''; });
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
  for (const ev of ['dragenter', 'dragover']) drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add('over'); });
  for (const ev of ['dragleave', 'drop']) drop.addEventListener(ev, () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); add(e.dataTransfer.files); });
  // A file dropped beside the zone should not replace the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => { e.preventDefault(); if (e.target !== drop) add(e.dataTransfer.files); });
})();
