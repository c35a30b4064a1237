// Tiny DOM helpers. Text only: data from the server (run names!) never becomes HTML.

/**
 * An element with attributes (`class`, `text`: its text, any other: an attribute) and children.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string>} [attributes]
 * @param {...(Node | string)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value
    else if (name === 'text') node.textContent = value
    else node.setAttribute(name, value)
  }
  for (const child of children) node.append(child)
  return node
}

/** @param {Node} node @param {string} text */
export function setText(node, text) {
  node.textContent = text
}

// The page's element with this id: the HTML ships it, so its absence is a broken page.
/** @param {string} id @returns {HTMLElement} */
export function byId(id) {
  const node = document.getElementById(id)
  if (!node) throw new Error(`this page has no #${id}: is its HTML from another loopcast version?`)
  return node
}

// A canvas's 2D context: a browser that gives none cannot draw loopcast's canvases.
/** @param {HTMLCanvasElement} canvas @param {CanvasRenderingContext2DSettings} [settings] */
export function context2d(canvas, settings) {
  const context = canvas.getContext('2d', settings)
  if (!context) throw new Error('this browser gives no 2D canvas context: loopcast cannot draw here')
  return context
}
