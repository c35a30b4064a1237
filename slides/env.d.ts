// For vue-tsc (`npm run check`): the compile-time flags that Slidev's client sources read,
// which its CLI defines at build time, and its shims for vue-router and virtual modules.
/// <reference types="@slidev/types/client" />
/// <reference path="node_modules/@slidev/client/shim.d.ts" />
/// <reference path="node_modules/@slidev/client/shim-vue.d.ts" />
declare const __DEV__: boolean
declare const __SLIDEV_FEATURE_EDITOR__: boolean
declare const __SLIDEV_FEATURE_DRAWINGS__: boolean
declare const __SLIDEV_FEATURE_DRAWINGS_PERSIST__: boolean
declare const __SLIDEV_FEATURE_RECORD__: boolean
declare const __SLIDEV_FEATURE_PRESENTER__: boolean
declare const __SLIDEV_FEATURE_PRINT__: boolean
declare const __SLIDEV_FEATURE_WAKE_LOCK__: boolean
declare const __SLIDEV_FEATURE_BROWSER_EXPORTER__: boolean
declare const __SLIDEV_HAS_SERVER__: boolean
declare const __SLIDEV_HASH_ROUTE__: boolean
