/*
 * 一网协同客户端 JS 桥（window.WeixinJSBridge）的本地模拟。仅用于开发与测试，切勿在生产环境引用。
 *
 * It emulates what the CLIENT injects into its webview, not an SDK: the page brings its own SDK
 * (@wecom/jssdk 2.x `ww.*`, or jweixin 1.2-1.6 `wx.*`), and both talk to the client only through
 * WeixinJSBridge.invoke(name, args, callback) and WeixinJSBridge.on(event, callback). So the
 * real SDKs run unchanged against this file, and the simulator stays out of the SDKs' business.
 *
 * What it does like the real client:
 * - 'preVerifyJSAPI' (config) and 'agentConfig' send {timestamp, nonceStr, signature,
 *   url: location.href.split('#')[0]} to the simulator, which checks them against its CURRENT
 *   corp / agent jsapi_ticket; a mismatch answers '<api>:invalid signature'.
 * - Names are the client's: the SDKs map previewImage -> imagePreview and getLocation ->
 *   geoLocation before calling, so an API granted under its web name is not granted at all.
 * - agentConfig takes the timestamp as a string, as @wecom/jssdk sends it.
 * - Any API before a successful config or agentConfig, or one missing from the granted list,
 *   answers '<name>:permission denied'; the contact and chat APIs need agentConfig.
 * - Results carry err_msg ('<name>:ok'); checkJsApi's checkResult and selectEnterpriseContact's
 *   result are JSON STRINGS, and getNetworkType answers 'network_type:wifi', as clients do.
 * - previewFile needs url, name and size (size is required in @wecom/jssdk's types).
 * - The back button fires the 'historyBack' event (WeixinJSBridge.on); a handler returning
 *   false keeps the page.
 * Only DOM element.style (CSSOM) is used for the overlays, so pages under a strict CSP work.
 * Plain ES2017, no build step. Served by the simulator, which fills in SIM below.
 */
(function () {
  'use strict';

  var SIM = {{ sim | tojson }};

  // APIs that need wx.agentConfig (应用身份), not only wx.config.
  var AGENT_APIS = ['selectEnterpriseContact', 'openChatWithMsg', 'openUserProfile'];
  var state = {
    configStatus: 'none', // none | pending | ok | fail
    configError: null,
    jsApiList: [],
    agentStatus: 'none',
    agentJsApiList: [],
    events: {},
    watermark: null,
    closed: false,
    clipboard: null,
    chatSeq: 0,
    imageSeq: 0
  };

  function later(fn, arg) {
    setTimeout(function () { fn(arg); }, 0);
  }

  function post(path, body) {
    return fetch(SIM.base + path, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) { return response.json(); });
  }

  function pageUrl() {
    return location.href.split('#')[0];
  }

  function verify(kind, opts) {
    var body = {
      kind: kind,
      appId: opts.appId,
      corpid: opts.corpid,
      agentid: opts.agentid,
      timestamp: opts.timestamp === undefined ? '' : String(opts.timestamp),
      nonceStr: opts.nonceStr,
      signature: opts.signature,
      url: pageUrl()
    };
    return post('/jssdk/verify', body).catch(function () {
      return { ok: false, errMsg: kind + ':fail', reason: '无法连接模拟器' };
    });
  }

  function result(name, status, extra) {
    var msg = name + ':' + status;
    return Object.assign({ err_msg: msg, errMsg: msg }, extra || {});
  }

  function report(name, params, res) {
    var copy = {};
    Object.keys(params || {}).forEach(function (key) {
      if (typeof params[key] !== 'function') { copy[key] = params[key]; }
    });
    post('/jssdk/event', { api: name, params: copy, err_msg: res.err_msg }).catch(function () {});
  }

  // -- small overlays (toast, picker, watermark) -------------------------------------------

  function el(tag, styles, text) {
    var node = document.createElement(tag);
    Object.assign(node.style, styles || {});
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function toast(text) {
    var node = el('div', {
      position: 'fixed', left: '50%', bottom: '15%', transform: 'translateX(-50%)',
      maxWidth: '80%', padding: '8px 14px', borderRadius: '8px', zIndex: '2147483646',
      background: 'rgba(31,35,41,0.88)', color: '#fff', font: '14px/1.5 sans-serif'
    }, '模拟器：' + text);
    node.setAttribute('data-testid', 'sim-toast');
    document.body.appendChild(node);
    // DB31DSJ/Z 003 Appendix D: feedback should not stay longer than 1.5 s.
    setTimeout(function () { node.remove(); }, 1500);
  }

  function userById(userid) {
    return SIM.users.find(function (user) { return user.userid === userid; });
  }

  function pickContacts(params) {
    return new Promise(function (resolve) {
      var multi = params.mode !== 'single';
      var selected = (params.selectedUserIds || []).filter(userById);
      var overlay = el('div', {
        position: 'fixed', left: '0', top: '0', right: '0', bottom: '0', zIndex: '2147483647',
        background: 'rgba(0,0,0,0.35)', display: 'flex', alignItems: 'flex-end',
        justifyContent: 'center', font: '15px/1.5 sans-serif', color: '#1f2329'
      });
      overlay.setAttribute('data-testid', 'sim-contact-picker');
      var sheet = el('div', {
        background: '#fff', width: '100%', maxWidth: '480px', maxHeight: '80%',
        overflowY: 'auto', borderRadius: '12px 12px 0 0', padding: '12px 16px 0'
      });
      sheet.appendChild(el('div', { fontWeight: '600', marginBottom: '8px' },
        multi ? '选择联系人（可多选）' : '选择联系人'));
      var buttons = {};
      function paint() {
        Object.keys(buttons).forEach(function (userid) {
          var on = selected.indexOf(userid) >= 0;
          buttons[userid].setAttribute('aria-pressed', on ? 'true' : 'false');
          buttons[userid].style.background = on ? '#eaf1fd' : '#fff';
          buttons[userid].style.borderColor = on ? '#2f6fde' : '#e4e6eb';
        });
      }
      SIM.departments.forEach(function (dept) {
        var members = SIM.users.filter(function (u) { return u.main_department === dept.id; });
        if (!members.length) { return; }
        sheet.appendChild(el('div', { color: '#646a73', fontSize: '13px', margin: '10px 0 4px' },
          dept.name));
        members.forEach(function (user) {
          var button = el('button', {
            display: 'block', width: '100%', textAlign: 'left', padding: '8px 12px',
            marginTop: '4px', border: '1px solid #e4e6eb', borderRadius: '8px',
            font: 'inherit', cursor: 'pointer'
          }, user.name + '（' + user.userid + '）');
          button.type = 'button';
          button.setAttribute('data-testid', 'sim-contact-' + user.userid);
          button.addEventListener('click', function () {
            var at = selected.indexOf(user.userid);
            if (at >= 0) { selected.splice(at, 1); }
            else if (multi) { selected.push(user.userid); }
            else { selected = [user.userid]; }
            paint();
          });
          buttons[user.userid] = button;
          sheet.appendChild(button);
        });
      });
      // Kept in view at the bottom of the sheet however long the list is.
      var bar = el('div', {
        display: 'flex', gap: '12px', marginTop: '14px', padding: '10px 0 16px',
        position: 'sticky', bottom: '0', background: '#fff'
      });
      var cancel = el('button', {
        flex: '1', padding: '10px 0', border: '1px solid #e4e6eb', borderRadius: '8px',
        background: '#fff', font: 'inherit'
      }, '取消');
      cancel.type = 'button';
      cancel.setAttribute('data-testid', 'sim-contact-cancel');
      var confirm = el('button', {
        flex: '1', padding: '10px 0', border: '1px solid #2f6fde', borderRadius: '8px',
        background: '#2f6fde', color: '#fff', font: 'inherit'
      }, '确定');
      confirm.type = 'button';
      confirm.setAttribute('data-testid', 'sim-contact-confirm');
      function close(value) {
        overlay.remove();
        resolve(value);
      }
      cancel.addEventListener('click', function () { close(null); });
      confirm.addEventListener('click', function () {
        close(selected.map(function (userid) {
          var user = userById(userid);
          return { id: user.userid, name: user.name, avatar: user.avatar };
        }));
      });
      bar.appendChild(cancel);
      bar.appendChild(confirm);
      sheet.appendChild(bar);
      overlay.appendChild(sheet);
      document.body.appendChild(overlay);
      paint();
    });
  }

  function showWatermark(params) {
    hideWatermark();
    var text = String(params.text || params.content || SIM.corpId);
    var layer = el('div', {
      position: 'fixed', left: '0', top: '0', right: '0', bottom: '0', zIndex: '2147483645',
      pointerEvents: 'none', overflow: 'hidden', display: 'flex', flexWrap: 'wrap',
      alignContent: 'flex-start', opacity: '0.12', color: '#1f2329', font: '14px sans-serif'
    });
    layer.setAttribute('data-testid', 'sim-watermark');
    layer.setAttribute('aria-hidden', 'true');
    for (var i = 0; i < 60; i += 1) {
      layer.appendChild(el('span', {
        width: '160px', height: '100px', transform: 'rotate(-20deg)', whiteSpace: 'nowrap'
      }, text));
    }
    document.body.appendChild(layer);
    state.watermark = layer;
  }

  function hideWatermark() {
    if (state.watermark) {
      state.watermark.remove();
      state.watermark = null;
    }
  }

  // -- the APIs, under the client's own names ---------------------------------------------

  var APIS = {
    checkJsApi: function (params) {
      var check = {};
      (params.jsApiList || []).forEach(function (name) {
        check[name] = Object.prototype.hasOwnProperty.call(APIS, name);
      });
      return { checkResult: JSON.stringify(check) };
    },
    openChatWithMsg: function (params) {
      var ids = String(params.userIds || '').split(';').filter(Boolean);
      var unknown = ids.filter(function (id) { return !userById(id); });
      if (!ids.length || unknown.length) {
        throw new Error('fail invalid userIds' + (unknown.length ? ': ' + unknown.join(';') : ''));
      }
      state.chatSeq += 1;
      var chatId = params.chatId || 'wrsimchat' + Date.now().toString(36) + state.chatSeq;
      toast('已打开会话：' + ids.map(function (id) { return userById(id).name; }).join('、'));
      return { chatId: chatId };
    },
    selectEnterpriseContact: function (params) {
      return pickContacts(params).then(function (users) {
        if (users === null) { throw new Error('cancel'); }
        return { result: JSON.stringify({ departmentList: [], userList: users }) };
      });
    },
    openUserProfile: function (params) {
      var user = userById(params.userid);
      if (!user) { throw new Error('fail invalid userid'); }
      toast('查看个人信息：' + user.name);
      return {};
    },
    imagePreview: function (params) {
      toast('预览图片 ' + (params.current || ''));
      return {};
    },
    chooseImage: function (params) {
      var count = Math.max(1, Math.min(Number(params.count) || 1, 9));
      var ids = [];
      for (var i = 0; i < count; i += 1) {
        state.imageSeq += 1;
        ids.push('wxLocalResource://sim-image-' + state.imageSeq);
      }
      return { localIds: ids };
    },
    previewFile: function (params) {
      if (!params.url) { throw new Error('fail missing url'); }
      if (!params.name) { throw new Error('fail missing name'); }
      if (typeof params.size !== 'number' || !(params.size >= 0)) {
        throw new Error('fail missing size');
      }
      toast('预览文件 ' + params.name);
      return {};
    },
    geoLocation: function () {
      return Object.assign({}, SIM.location);
    },
    scanQRCode: function (params) {
      return String(params.needResult) === '1' ? { resultStr: SIM.scanResult } : {};
    },
    setClipboardData: function (params) {
      state.clipboard = String(params.data === undefined ? '' : params.data);
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(state.clipboard).catch(function () {});
      }
      toast('已复制');
      return {};
    },
    getNetworkType: function () {
      // The client reports the type in err_msg itself; both SDKs read it from there.
      return { err_msg: 'network_type:wifi', subtype: 'wifi' };
    },
    closeWindow: function () {
      state.closed = true;
      toast('页面已关闭（模拟）');
      return {};
    },
    hideOptionMenu: function () { return {}; },
    showOptionMenu: function () { return {}; },
    showWatermark: function (params) {
      showWatermark(params);
      return {};
    },
    hideWatermark: function () {
      hideWatermark();
      return {};
    }
  };

  function permitted(name) {
    var agentGranted = state.agentStatus === 'ok' && state.agentJsApiList.indexOf(name) >= 0;
    if (name === 'checkJsApi') { return state.configStatus === 'ok' || state.agentStatus === 'ok'; }
    if (AGENT_APIS.indexOf(name) >= 0) { return agentGranted; }
    return agentGranted || (state.configStatus === 'ok' && state.jsApiList.indexOf(name) >= 0);
  }

  function run(name, params) {
    if (!Object.prototype.hasOwnProperty.call(APIS, name)) {
      return Promise.resolve(result(name, 'fail function not exist'));
    }
    if (!permitted(name)) {
      return Promise.resolve(result(name, 'permission denied'));
    }
    return Promise.resolve()
      .then(function () { return APIS[name](params); })
      .then(function (extra) { return extra && extra.err_msg ? extra : result(name, 'ok', extra); },
        function (error) { return result(name, error.message || 'fail'); })
      .then(function (res) {
        report(name, params, res);
        return res;
      });
  }

  // config, as both SDKs send it: the signature rides in verify* fields.
  function preVerify(args) {
    state.configStatus = 'pending';
    var opts = {
      appId: args.verifyAppId || args.appId, timestamp: args.verifyTimestamp,
      nonceStr: args.verifyNonceStr, signature: args.verifySignature
    };
    return verify('config', opts).then(function (answer) {
      if (!answer.ok) {
        state.configStatus = 'fail';
        console.warn('[模拟器] config 失败：' + answer.reason);
        return { err_msg: answer.errMsg.replace(/^config:/, 'preVerifyJSAPI:') };
      }
      state.configStatus = 'ok';
      state.jsApiList = (args.verifyJsApiList || []).slice();
      return result('preVerifyJSAPI', 'ok');
    });
  }

  // Since WeCom 3.0.24 agentConfig no longer needs a prior config; the shim follows that.
  function agentConfig(args) {
    state.agentStatus = 'pending';
    if (typeof args.timestamp !== 'string') {
      state.agentStatus = 'fail';
      console.warn('[模拟器] agentConfig 失败：timestamp 应为字符串（@wecom/jssdk 的传法）');
      return Promise.resolve(result('agentConfig', 'fail invalid timestamp'));
    }
    return verify('agentConfig', args).then(function (answer) {
      if (!answer.ok) {
        state.agentStatus = 'fail';
        console.warn('[模拟器] agentConfig 失败：' + answer.reason);
        return { err_msg: answer.errMsg };
      }
      state.agentStatus = 'ok';
      state.agentJsApiList = (args.jsApiList || []).slice();
      var webNames = state.agentJsApiList.filter(function (name) { return WEB_NAMES[name]; });
      if (webNames.length) {
        console.warn('[模拟器] agentConfig 的 jsApiList 用了网页端名称，客户端不认：' +
          webNames.map(function (name) { return name + ' → ' + WEB_NAMES[name]; }).join('，'));
      }
      return result('agentConfig', 'ok');
    });
  }

  // Web names the SDKs translate before calling the client (jweixin and @wecom/jssdk alike).
  var WEB_NAMES = { previewImage: 'imagePreview', getLocation: 'geoLocation' };

  var bridge = {
    invoke: function (name, args, callback) {
      var done = typeof callback === 'function' ? callback : function () {};
      var params = args || {};
      var answer = name === 'preVerifyJSAPI' ? preVerify(params)
        : name === 'agentConfig' ? agentConfig(params)
          : run(name, params);
      answer.then(function (res) { later(done, res); });
    },
    on: function (event, callback) {
      if (typeof callback === 'function') { state.events[event] = callback; }
    },
    // Read-only window into the simulated client, for specs and debugging.
    __sim: {
      state: function () {
        return {
          configStatus: state.configStatus,
          agentStatus: state.agentStatus,
          grantedByConfig: state.jsApiList.slice(),
          grantedByAgentConfig: state.agentJsApiList.slice(),
          closed: state.closed,
          clipboard: state.clipboard,
          watermark: Boolean(state.watermark)
        };
      },
      /** The user pressed back: false if the page's historyBack handler kept the page. */
      historyBack: function () {
        var handler = state.events.historyBack;
        return handler ? handler() !== false : true;
      }
    }
  };

  window.WeixinJSBridge = bridge;
  // SDKs loaded before this script wait for the client's ready event.
  document.dispatchEvent(new Event('WeixinJSBridgeReady'));
})();
