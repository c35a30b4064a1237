// ESLint over the browser library shared by deck and audience page (../static/js) and the
// deck's components, composables and setup: the recommended rules of ESLint,
// typescript-eslint and eslint-plugin-vue (`npm run check`, which runs it from the repository
// root with `-c`, so the paths below are the repository's).
import js from '@eslint/js'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default [
  { ignores: ['static/vendor/**', 'slides/dist/**', 'slides/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['slides/**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    // Layout, not correctness: our templates keep short elements on one line.
    rules: { 'vue/max-attributes-per-line': 'off', 'vue/singleline-html-element-content-newline': 'off' },
  },
  {
    files: ['static/js/**/*.js', 'slides/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['static/js/test/**/*.js', 'slides/**/*.test.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    // `_name`: a parameter that a signature needs and the body does not read.
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
]
