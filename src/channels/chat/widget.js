/*
 * Relais web chat widget. Embed with one tag:
 *   <script src="https://relais.example/chat/widget.js" data-key="WIDGET-KEY" async></script>
 * Plain JavaScript, no framework, no build step. Speaks protocol version 1 over one
 * WebSocket; lives in a Shadow DOM so the host page's styles cannot reach it.
 */
(() => {
  const script = document.currentScript;
  if (!script?.getAttribute('data-key')) return;
  const KEY = script.getAttribute('data-key');
  const origin = new URL(script.src, location.href);
  const SOCKET = `${origin.protocol === 'https:' ? 'wss:' : 'ws:'}//${origin.host}/chat/socket`;
  const STORE = `relais-chat:${KEY}`;

  const CATALOG = {
    en: {
      open: 'Chat with us',
      close: 'Close the chat',
      title: 'Customer service',
      message: 'Your message',
      send: 'Send',
      you: 'You',
      agent: 'Agent',
      typing: '{name} is typing…',
      someone: 'Someone is typing…',
      wait: 'Estimated wait: about {n} min',
      waitSoon: 'An agent will answer you shortly',
      connecting: 'Connecting…',
      unsent: 'Not sent yet: it will be sent when the connection is back',
      offline: 'We are closed right now. Leave us a message and we will answer by email.',
      nextOpening: 'We open again {when}.',
      name: 'Your name',
      email: 'Your email',
      sent: 'Thank you. We will answer you by email.',
      refused: 'The chat is not available on this page.',
      error: 'Something went wrong: {message}',
    },
    fr: {
      open: 'Discuter avec nous',
      close: 'Fermer la discussion',
      title: 'Service client',
      message: 'Votre message',
      send: 'Envoyer',
      you: 'Vous',
      agent: 'Conseiller',
      typing: '{name} écrit…',
      someone: 'Un conseiller écrit…',
      wait: 'Attente estimée : environ {n} min',
      waitSoon: 'Un conseiller va vous répondre',
      connecting: 'Connexion…',
      unsent: 'Pas encore envoyé : il partira au retour de la connexion',
      offline: 'Nous sommes fermés. Laissez-nous un message, nous vous répondrons par e-mail.',
      nextOpening: 'Réouverture {when}.',
      name: 'Votre nom',
      email: 'Votre e-mail',
      sent: 'Merci. Nous vous répondrons par e-mail.',
      refused: "La discussion n'est pas disponible sur cette page.",
      error: 'Une erreur est survenue : {message}',
    },
    ar: {
      open: 'تحدث معنا',
      close: 'إغلاق المحادثة',
      title: 'خدمة العملاء',
      message: 'رسالتك',
      send: 'إرسال',
      you: 'أنت',
      agent: 'المستشار',
      typing: '{name} يكتب…',
      someone: 'مستشار يكتب…',
      wait: 'مدة الانتظار المقدرة: حوالي {n} دقيقة',
      waitSoon: 'سيرد عليك مستشار قريبًا',
      connecting: 'جارٍ الاتصال…',
      unsent: 'لم تُرسل بعد: ستُرسل عند عودة الاتصال',
      offline: 'نحن مغلقون الآن. اترك لنا رسالة وسنرد عليك بالبريد الإلكتروني.',
      nextOpening: 'نفتح مجددًا {when}.',
      name: 'اسمك',
      email: 'بريدك الإلكتروني',
      sent: 'شكرًا لك. سنرد عليك بالبريد الإلكتروني.',
      refused: 'المحادثة غير متاحة على هذه الصفحة.',
      error: 'حدث خطأ: {message}',
    },
    es: {
      open: 'Chatea con nosotros',
      close: 'Cerrar el chat',
      title: 'Atención al cliente',
      message: 'Tu mensaje',
      send: 'Enviar',
      you: 'Tú',
      agent: 'Agente',
      typing: '{name} está escribiendo…',
      someone: 'Alguien está escribiendo…',
      wait: 'Espera estimada: unos {n} min',
      waitSoon: 'Un agente te responderá en breve',
      connecting: 'Conectando…',
      unsent: 'Aún no enviado: se enviará cuando vuelva la conexión',
      offline: 'Ahora estamos cerrados. Déjanos un mensaje y te responderemos por correo.',
      nextOpening: 'Volvemos a abrir {when}.',
      name: 'Tu nombre',
      email: 'Tu correo',
      sent: 'Gracias. Te responderemos por correo.',
      refused: 'El chat no está disponible en esta página.',
      error: 'Algo salió mal: {message}',
    },
    pt: {
      open: 'Converse conosco',
      close: 'Fechar o chat',
      title: 'Atendimento ao cliente',
      message: 'A sua mensagem',
      send: 'Enviar',
      you: 'Você',
      agent: 'Atendente',
      typing: '{name} está a escrever…',
      someone: 'Alguém está a escrever…',
      wait: 'Espera estimada: cerca de {n} min',
      waitSoon: 'Um atendente vai responder em breve',
      connecting: 'A ligar…',
      unsent: 'Ainda não enviada: será enviada quando a ligação voltar',
      offline: 'Estamos fechados. Deixe uma mensagem e responderemos por e-mail.',
      nextOpening: 'Reabrimos {when}.',
      name: 'O seu nome',
      email: 'O seu e-mail',
      sent: 'Obrigado. Responderemos por e-mail.',
      refused: 'O chat não está disponível nesta página.',
      error: 'Ocorreu um erro: {message}',
    },
    ro: {
      open: 'Vorbește cu noi',
      close: 'Închide conversația',
      title: 'Serviciul clienți',
      message: 'Mesajul tău',
      send: 'Trimite',
      you: 'Tu',
      agent: 'Consultant',
      typing: '{name} scrie…',
      someone: 'Cineva scrie…',
      wait: 'Timp de așteptare estimat: aproximativ {n} min',
      waitSoon: 'Un consultant îți va răspunde în curând',
      connecting: 'Se conectează…',
      unsent: 'Netrimis încă: va pleca atunci când revine conexiunea',
      offline: 'Acum suntem închiși. Lasă-ne un mesaj și îți răspundem prin e-mail.',
      nextOpening: 'Redeschidem {when}.',
      name: 'Numele tău',
      email: 'E-mailul tău',
      sent: 'Mulțumim. Îți vom răspunde prin e-mail.',
      refused: 'Conversația nu este disponibilă pe această pagină.',
      error: 'A apărut o eroare: {message}',
    },
    nl: {
      open: 'Chat met ons',
      close: 'Chat sluiten',
      title: 'Klantenservice',
      message: 'Uw bericht',
      send: 'Versturen',
      you: 'U',
      agent: 'Medewerker',
      typing: '{name} typt…',
      someone: 'Iemand typt…',
      wait: 'Geschatte wachttijd: ongeveer {n} min',
      waitSoon: 'Een medewerker antwoordt u zo',
      connecting: 'Verbinden…',
      unsent: 'Nog niet verstuurd: gaat weg zodra de verbinding terug is',
      offline: 'We zijn nu gesloten. Laat een bericht achter, we antwoorden per e-mail.',
      nextOpening: 'We zijn weer open {when}.',
      name: 'Uw naam',
      email: 'Uw e-mail',
      sent: 'Dank u. We antwoorden per e-mail.',
      refused: 'De chat is niet beschikbaar op deze pagina.',
      error: 'Er ging iets mis: {message}',
    },
    zh: {
      open: '在线咨询',
      close: '关闭对话',
      title: '客户服务',
      message: '您的消息',
      send: '发送',
      you: '您',
      agent: '客服',
      typing: '{name} 正在输入…',
      someone: '客服正在输入…',
      wait: '预计等待：约 {n} 分钟',
      waitSoon: '客服将很快回复您',
      connecting: '正在连接…',
      unsent: '尚未发送：连接恢复后将自动发送',
      offline: '我们现在不在线。请留言，我们会通过电子邮件回复您。',
      nextOpening: '我们将于{when}重新开放。',
      name: '您的姓名',
      email: '您的电子邮件',
      sent: '谢谢。我们会通过电子邮件回复您。',
      refused: '此页面无法使用在线咨询。',
      error: '出现错误：{message}',
    },
  };
  const RTL = ['ar', 'fa', 'he', 'ur'];
  const primary = (tag) =>
    String(tag || '')
      .toLowerCase()
      .split('-')[0];

  // What survives a reload: who we are, and what the server has not acknowledged yet.
  const saved = (() => {
    try {
      return JSON.parse(localStorage.getItem(STORE) || '{}');
    } catch {
      return {};
    }
  })();
  const state = {
    visitor: saved.visitor || null,
    pending: Array.isArray(saved.pending) ? saved.pending : [],
    lastSeen: null,
    shown: new Set(),
    language: CATALOG[primary(navigator.language)] ? primary(navigator.language) : 'en',
    agentName: null,
    open: true,
    socket: null,
    welcomed: false,
    retries: 0,
    refused: false,
    typingSent: 0,
  };
  const save = () => {
    try {
      localStorage.setItem(STORE, JSON.stringify({ visitor: state.visitor, pending: state.pending }));
    } catch {
      // Private browsing: the chat works, it just does not survive a reload.
    }
  };
  const t = (key, values) => {
    const text = (CATALOG[state.language] || CATALOG.en)[key] || CATALOG.en[key];
    return text.replace(/\{(\w+)\}/g, (_, name) => String(values?.[name] ?? ''));
  };
  const newClientId = () => {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  };

  // The widget's own document, out of reach of the host page's CSS.
  const host = document.createElement('div');
  host.setAttribute('data-relais-chat', '');
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `
<style>
:host { all: initial; }
* { box-sizing: border-box; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Arabic", sans-serif; color: #1d2330; }
.launcher { position: fixed; bottom: 20px; inset-inline-end: 20px; z-index: 2147483000; border: 0; border-radius: 24px; padding: 12px 18px; background: #1f5eff; color: #fff; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.launcher:focus-visible, button:focus-visible, textarea:focus-visible, input:focus-visible { outline: 3px solid #ffb000; outline-offset: 2px; }
.panel { position: fixed; bottom: 20px; inset-inline-end: 20px; z-index: 2147483001; width: min(360px, calc(100vw - 40px)); height: min(520px, calc(100vh - 40px)); display: flex; flex-direction: column; background: #fff; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.3); overflow: hidden; }
.panel[hidden], [hidden] { display: none !important; }
header { display: flex; align-items: center; gap: 8px; padding: 12px 14px; background: #1f5eff; }
header * { color: #fff; }
header h2 { flex: 1; margin: 0; font-weight: 600; }
header .agent { font-size: 13px; opacity: .9; }
header button { border: 0; background: transparent; cursor: pointer; font-size: 20px; line-height: 1; padding: 4px 8px; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; margin: 0; list-style: none; }
.line { max-width: 85%; padding: 8px 10px; border-radius: 10px; background: #eef1f6; white-space: pre-wrap; overflow-wrap: anywhere; }
.line.customer { align-self: flex-end; background: #dbe6ff; }
.line .who { display: block; font-size: 12px; color: #4a5468; }
.line.pending { opacity: .6; }
.status { padding: 4px 12px; font-size: 13px; color: #4a5468; min-height: 1.4em; }
form { display: flex; flex-direction: column; gap: 6px; padding: 10px 12px; border-top: 1px solid #e2e6ee; }
form .row { display: flex; gap: 8px; align-items: flex-end; }
label { font-size: 13px; color: #4a5468; }
textarea, input { width: 100%; border: 1px solid #b8c0cf; border-radius: 8px; padding: 8px; resize: none; background: #fff; }
form button { border: 0; border-radius: 8px; padding: 9px 14px; background: #1f5eff; color: #fff; cursor: pointer; }
.note { margin: 0; font-size: 14px; }
</style>
<button class="launcher" type="button" aria-haspopup="dialog"></button>
<section class="panel" role="dialog" aria-modal="false" hidden>
  <header><h2 id="title"></h2><span class="agent"></span><button class="close" type="button"></button></header>
  <ol class="log" role="log" aria-live="polite" aria-relevant="additions" aria-labelledby="title"></ol>
  <div class="status" aria-live="polite"></div>
  <form class="live">
    <label for="text" class="text-label"></label>
    <div class="row"><textarea id="text" rows="2" maxlength="10000" dir="auto"></textarea><button type="submit" class="send"></button></div>
  </form>
  <form class="offline" hidden>
    <p class="note offline-note"></p>
    <p class="note next-opening"></p>
    <label for="o-name" class="name-label"></label><input id="o-name" autocomplete="name" dir="auto" required maxlength="200">
    <label for="o-email" class="email-label"></label><input id="o-email" type="email" autocomplete="email" dir="ltr" required maxlength="320">
    <label for="o-text" class="otext-label"></label><textarea id="o-text" rows="3" maxlength="10000" dir="auto" required></textarea>
    <button type="submit" class="osend"></button>
  </form>
</section>`;
  const $ = (selector) => root.querySelector(selector);
  const ui = {
    launcher: $('.launcher'),
    panel: $('.panel'),
    title: $('#title'),
    agent: $('.agent'),
    close: $('.close'),
    log: $('.log'),
    status: $('.status'),
    live: $('form.live'),
    text: $('#text'),
    offline: $('form.offline'),
  };

  function render() {
    const dir = RTL.includes(state.language) ? 'rtl' : 'ltr';
    ui.panel.setAttribute('dir', dir);
    ui.panel.setAttribute('lang', state.language);
    ui.launcher.setAttribute('dir', dir);
    ui.launcher.setAttribute('lang', state.language);
    ui.panel.setAttribute('aria-labelledby', 'title');
    ui.launcher.textContent = t('open');
    ui.title.textContent = t('title');
    ui.close.setAttribute('aria-label', t('close'));
    ui.close.textContent = '×';
    $('.text-label').textContent = t('message');
    $('.send').textContent = t('send');
    $('.offline-note').textContent = t('offline');
    $('.name-label').textContent = t('name');
    $('.email-label').textContent = t('email');
    $('.otext-label').textContent = t('message');
    $('.osend').textContent = t('send');
    ui.agent.textContent = state.agentName || '';
    ui.live.hidden = !state.open;
    ui.offline.hidden = state.open;
  }

  function status(text) {
    ui.status.textContent = text || '';
  }

  function addLine(line) {
    const li = document.createElement('li');
    li.className = `line ${line.author.kind}`;
    if (line.pending) li.classList.add('pending');
    if (line.clientId) li.dataset.clientId = line.clientId;
    if (line.id) li.dataset.id = line.id;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = line.author.kind === 'customer' ? t('you') : line.author.name || t('agent');
    const text = document.createElement('span');
    text.className = 'text';
    text.setAttribute('dir', 'auto');
    text.textContent = line.text;
    li.append(who, text);
    ui.log.append(li);
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  /** A message the server knows: shown once, whatever path it came by. */
  function showMessage(frame) {
    if (state.shown.has(frame.id)) return;
    state.shown.add(frame.id);
    state.lastSeen = frame.id;
    const mine = frame.clientId && ui.log.querySelector(`[data-client-id="${CSS.escape(frame.clientId)}"]`);
    if (mine) {
      mine.dataset.id = frame.id;
      mine.classList.remove('pending');
      settle(frame.clientId);
      return;
    }
    addLine(frame);
    if (frame.author.kind === 'agent') {
      if (frame.author.name) state.agentName = frame.author.name;
      status('');
      render();
    }
  }

  function settle(clientId) {
    const before = state.pending.length;
    state.pending = state.pending.filter((p) => p.clientId !== clientId);
    if (state.pending.length !== before) save();
  }

  function send(frame) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN && state.welcomed) {
      state.socket.send(JSON.stringify({ v: 1, ...frame }));
      return true;
    }
    return false;
  }

  function onFrame(frame) {
    switch (frame.type) {
      case 'welcome': {
        state.welcomed = true;
        state.retries = 0;
        state.visitor = frame.visitor;
        state.language = frame.language;
        state.open = frame.open;
        state.agentName = frame.agentName;
        save();
        render();
        const when = frame.nextOpening
          ? new Date(frame.nextOpening).toLocaleString(state.language, {
              weekday: 'long',
              hour: '2-digit',
              minute: '2-digit',
            })
          : null;
        $('.next-opening').textContent = when ? t('nextOpening', { when }) : '';
        if (frame.greeting && ui.log.children.length === 0) {
          addLine({ text: frame.greeting, author: { kind: 'system', name: t('title') } });
        }
        showWait(frame.estimatedWait, false);
        // What was not acknowledged goes again, with the same ids: stored once.
        for (const p of state.pending)
          send(
            p.form ? { type: 'offline', ...p.form } : { type: 'message', clientId: p.clientId, text: p.text },
          );
        break;
      }
      case 'ack':
        if (!state.shown.has(frame.id)) state.shown.add(frame.id);
        state.lastSeen = frame.id;
        for (const li of ui.log.querySelectorAll(`[data-client-id="${CSS.escape(frame.clientId)}"]`)) {
          li.dataset.id = frame.id;
          li.classList.remove('pending');
        }
        if (state.pending.some((p) => p.clientId === frame.clientId && p.form)) {
          ui.offline.hidden = true;
          status(t('sent'));
        }
        settle(frame.clientId);
        break;
      case 'message':
        showMessage(frame);
        break;
      case 'typing':
        status(frame.name ? t('typing', { name: frame.name }) : t('someone'));
        clearTimeout(state.typingTimer);
        state.typingTimer = setTimeout(() => status(''), 6000);
        break;
      case 'queue':
        showWait(frame.estimatedWait, true);
        break;
      case 'error':
        if (frame.code === 'unknown_key' || frame.code === 'origin_refused') {
          state.refused = true;
          status(t('refused'));
        } else if (frame.code === 'invalid_frame' && frame.clientId) {
          settle(frame.clientId); // the server will never take it as it is
          status(t('error', { message: frame.message }));
        } else if (frame.clientId) {
          // Not stored this time: try again shortly.
          setTimeout(() => {
            const p = state.pending.find((x) => x.clientId === frame.clientId);
            if (p)
              send(
                p.form
                  ? { type: 'offline', ...p.form }
                  : { type: 'message', clientId: p.clientId, text: p.text },
              );
          }, 3000);
        }
        break;
    }
  }

  function showWait(seconds, always) {
    if (state.agentName && !always) return;
    if (typeof seconds === 'number') status(t('wait', { n: Math.max(1, Math.round(seconds / 60)) }));
    else if (always) status(t('waitSoon'));
  }

  function connect() {
    if (state.refused) return;
    state.welcomed = false;
    let socket;
    try {
      socket = new WebSocket(SOCKET);
    } catch {
      return retry();
    }
    state.socket = socket;
    socket.addEventListener('open', () => {
      socket.send(
        JSON.stringify({
          v: 1,
          type: 'hello',
          key: KEY,
          ...(state.visitor ? { visitor: state.visitor } : {}),
          language: navigator.language || 'en',
          ...(state.lastSeen ? { lastSeen: state.lastSeen } : {}),
        }),
      );
    });
    socket.addEventListener('message', (event) => {
      try {
        onFrame(JSON.parse(event.data));
      } catch {
        // A frame this version does not understand is skipped.
      }
    });
    socket.addEventListener('close', (event) => {
      state.welcomed = false;
      if (event.code === 4400) state.refused = true;
      else retry();
    });
  }

  function retry() {
    if (state.pending.length > 0) status(t('unsent'));
    else status(t('connecting'));
    // 1 s, 2 s, 4 s … at most 30 s, with jitter so a restarted server is not hit at once.
    const delay = Math.min(30000, 1000 * 2 ** state.retries) * (0.5 + Math.random() / 2);
    state.retries = Math.min(state.retries + 1, 5);
    setTimeout(connect, delay);
  }

  ui.live.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = ui.text.value.trim();
    if (!text) return;
    const p = { clientId: newClientId(), text };
    state.pending.push(p);
    save();
    addLine({ clientId: p.clientId, text, author: { kind: 'customer', name: null }, pending: true });
    ui.text.value = '';
    ui.text.focus();
    if (!send({ type: 'message', clientId: p.clientId, text })) status(t('unsent'));
  });
  ui.text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.live.requestSubmit();
    }
  });
  ui.text.addEventListener('input', () => {
    const now = Date.now();
    if (now - state.typingSent > 3000 && send({ type: 'typing' })) state.typingSent = now;
  });
  ui.offline.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = {
      clientId: newClientId(),
      name: $('#o-name').value.trim(),
      email: $('#o-email').value.trim(),
      text: $('#o-text').value.trim(),
    };
    state.pending.push({ clientId: form.clientId, form });
    save();
    if (!send({ type: 'offline', ...form })) status(t('unsent'));
  });
  ui.launcher.addEventListener('click', () => {
    ui.panel.hidden = false;
    ui.launcher.hidden = true;
    (state.open ? ui.text : $('#o-name')).focus();
  });
  ui.close.addEventListener('click', () => {
    ui.panel.hidden = true;
    ui.launcher.hidden = false;
    ui.launcher.focus();
  });
  ui.panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') ui.close.click();
  });

  // Messages typed before a reload and never acknowledged are shown, waiting to go.
  for (const p of state.pending) {
    if (!p.form)
      addLine({
        clientId: p.clientId,
        text: p.text,
        author: { kind: 'customer', name: null },
        pending: true,
      });
  }
  render();
  const mount = () => {
    document.body.append(host);
    connect();
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
