"use strict";(self.rspackChunkaipo_kit_panel=self.rspackChunkaipo_kit_panel||[]).push([[700],{646(e,t,o){var r=o(601),n=o.n(r),a=o(314),i=(o.n(a))()(n());i.push([e.id,`/* The AI-product panel follows JupyterLab's theme: only its CSS variables. The verdict's
   colour comes with the data (the kit's presentation tokens), always beside its word. */
.aipo-panel {
  background: var(--jp-layout-color1);
  color: var(--jp-ui-font-color1);
  font-size: var(--jp-ui-font-size1);
  overflow-y: auto;
  padding: 8px 12px;
}
.aipo-panel h2 { font-size: var(--jp-ui-font-size3); margin: 4px 0; }
.aipo-panel h3 { font-size: var(--jp-ui-font-size2); margin: 12px 0 4px; }
.aipo-panel ul { margin: 0; padding-left: 16px; }
.aipo-muted { color: var(--jp-ui-font-color2); }
.aipo-error { color: var(--jp-error-color1); white-space: pre-wrap; }
.aipo-verdict { border-left: 6px solid var(--jp-border-color1); padding: 6px 8px; margin: 8px 0;
  background: var(--jp-layout-color2); }
.aipo-actions { display: flex; flex-wrap: wrap; gap: 4px; margin: 8px 0; }
.aipo-button { font-size: var(--jp-ui-font-size1); }
.aipo-link { background: none; border: none; color: var(--jp-content-link-color); cursor: pointer;
  padding: 0; text-align: left; font: inherit; }
.aipo-link:focus-visible, .aipo-button:focus-visible { outline: 2px solid var(--jp-brand-color1); }
.aipo-detail { white-space: pre-wrap; }
.aipo-panel-output { font-family: var(--jp-code-font-family); font-size: var(--jp-code-font-size);
  white-space: pre-wrap; max-height: 40vh; overflow-y: auto; }
.aipo-panel-output:empty { display: none; }
.aipo-gates { list-style: none; padding-left: 0; }
.aipo-gate { margin: 0 0 6px; padding-left: 6px; border-left: 3px solid var(--jp-border-color2); }
`,""]),o.d(t,{},{A:i})},314(e){e.exports=function(e){var t=[];return t.toString=function(){return this.map(function(t){var o="",r=void 0!==t[5];return t[4]&&(o+="@supports (".concat(t[4],") {")),t[2]&&(o+="@media ".concat(t[2]," {")),r&&(o+="@layer".concat(t[5].length>0?" ".concat(t[5]):""," {")),o+=e(t),r&&(o+="}"),t[2]&&(o+="}"),t[4]&&(o+="}"),o}).join("")},t.i=function(e,o,r,n,a){"string"==typeof e&&(e=[[null,e,void 0]]);var i={};if(r)for(var p=0;p<this.length;p++){var s=this[p][0];null!=s&&(i[s]=!0)}for(var c=0;c<e.length;c++){var l=[].concat(e[c]);r&&i[l[0]]||(void 0!==a&&(void 0===l[5]||(l[1]="@layer".concat(l[5].length>0?" ".concat(l[5]):""," {").concat(l[1],"}")),l[5]=a),o&&(l[2]&&(l[1]="@media ".concat(l[2]," {").concat(l[1],"}")),l[2]=o),n&&(l[4]?(l[1]="@supports (".concat(l[4],") {").concat(l[1],"}"),l[4]=n):l[4]="".concat(n)),t.push(l))}},t}},601(e){e.exports=function(e){return e[1]}},72(e){var t=[];function o(e){for(var o=-1,r=0;r<t.length;r++)if(t[r].identifier===e){o=r;break}return o}function r(e,r){for(var n={},a=[],i=0;i<e.length;i++){var p=e[i],s=r.base?p[0]+r.base:p[0],c=n[s]||0,l="".concat(s," ").concat(c);n[s]=c+1;var u=o(l),d={css:p[1],media:p[2],sourceMap:p[3],supports:p[4],layer:p[5]};if(-1!==u)t[u].references++,t[u].updater(d);else{var f=function(e,t){var o=t.domAPI(t);return o.update(e),function(t){t?(t.css!==e.css||t.media!==e.media||t.sourceMap!==e.sourceMap||t.supports!==e.supports||t.layer!==e.layer)&&o.update(e=t):o.remove()}}(d,r);r.byIndex=i,t.splice(i,0,{identifier:l,updater:f,references:1})}a.push(l)}return a}e.exports=function(e,n){var a=r(e=e||[],n=n||{});return function(e){e=e||[];for(var i=0;i<a.length;i++){var p=o(a[i]);t[p].references--}for(var s=r(e,n),c=0;c<a.length;c++){var l=o(a[c]);0===t[l].references&&(t[l].updater(),t.splice(l,1))}a=s}}},659(e){var t={};e.exports=function(e,o){var r=function(e){if(void 0===t[e]){var o=document.querySelector(e);if(window.HTMLIFrameElement&&o instanceof window.HTMLIFrameElement)try{o=o.contentDocument.head}catch(e){o=null}t[e]=o}return t[e]}(e);if(!r)throw Error("Couldn't find a style target. This probably means that the value for the 'insert' parameter is invalid.");r.appendChild(o)}},540(e){e.exports=function(e){var t=document.createElement("style");return e.setAttributes(t,e.attributes),e.insert(t,e.options),t}},56(e,t,o){e.exports=function(e){var t=o.nc;t&&e.setAttribute("nonce",t)}},825(e){e.exports=function(e){if("u"<typeof document)return{update:function(){},remove:function(){}};var t=e.insertStyleElement(e);return{update:function(o){var r,n,a;r="",o.supports&&(r+="@supports (".concat(o.supports,") {")),o.media&&(r+="@media ".concat(o.media," {")),(n=void 0!==o.layer)&&(r+="@layer".concat(o.layer.length>0?" ".concat(o.layer):""," {")),r+=o.css,n&&(r+="}"),o.media&&(r+="}"),o.supports&&(r+="}"),(a=o.sourceMap)&&"u">typeof btoa&&(r+="\n/*# sourceMappingURL=data:application/json;base64,".concat(btoa(unescape(encodeURIComponent(JSON.stringify(a))))," */")),e.styleTagTransform(r,t,e.options)},remove:function(){var e;null===(e=t).parentNode||e.parentNode.removeChild(e)}}}},113(e){e.exports=function(e,t){if(t.styleSheet)t.styleSheet.cssText=e;else{for(;t.firstChild;)t.removeChild(t.firstChild);t.appendChild(document.createTextNode(e))}}},959(e,t,o){var r=o(72),n=o.n(r),a=o(825),i=o.n(a),p=o(659),s=o.n(p),c=o(56),l=o.n(c),u=o(540),d=o.n(u),f=o(113),v=o.n(f),h=o(646),m={};m.styleTagTransform=v(),m.setAttributes=l(),m.insert=s().bind(null,"head"),m.domAPI=i(),m.insertStyleElement=d(),n()(h.A,m),h.A&&h.A.locals&&h.A.locals}}]);