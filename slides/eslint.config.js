// ESLint over the browser library shared by deck and audience page (../static/js) and the
// addon's components, composables and setup (../addon): the recommended rules of ESLint,
// typescript-eslint and eslint-plugin-vue (`npm run check`, which runs it from the repository
// root with `-c`, so the paths below are the repository's).
import js from '@eslint/js'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default [
  { ignores: ['static/vendor/**', 'slides/dist/**', 'slides/node_modules/**', 'addon/static/**', 'addon/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['addon/**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    // Layout, not correctness: our templates keep short elements on one line.
    rules: { 'vue/max-attributes-per-line': 'off', 'vue/singleline-html-element-content-newline': 'off' },
  },
  {
    files: ['static/js/**/*.js', 'addon/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['static/js/test/**/*.js', 'addon/**/*.test.ts', 'addon/scripts/*.mjs', 'addon/vite.config.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    // `_name`: a parameter that a signature needs and the body does not read.
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
]
