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
