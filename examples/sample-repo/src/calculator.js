'use strict';

function add(a, b) {
  return a + b;
}

function subtract(a, b) {
  return a - b;
}

function multiply(a, b) {
  return a * b;
}

function divide(a, b) {
  if (b === 0) {
    throw new RangeError('division by zero');
  }
  return a / b;
}

/** Evaluates "2 + 3 * 4"-style expressions: numbers and + - * /, left to right with precedence. */
function evaluate(expression) {
  const tokens = String(expression).match(/\d+(?:\.\d+)?|[-+*/]/g);
  if (!tokens || tokens.length % 2 === 0) {
    throw new SyntaxError(`not an expression: ${expression}`);
  }
  const terms = [Number(tokens[0])];
  const ops = [];
  for (let i = 1; i < tokens.length; i += 2) {
    const op = tokens[i];
    const value = Number(tokens[i + 1]);
    if (op === '*') terms.push(multiply(terms.pop(), value));
    else if (op === '/') terms.push(divide(terms.pop(), value));
    else { ops.push(op); terms.push(value); }
  }
  return ops.reduce((acc, op, i) => (op === '+' ? add(acc, terms[i + 1]) : subtract(acc, terms[i + 1])), terms[0]);
}

module.exports = { add, subtract, multiply, divide, evaluate };
