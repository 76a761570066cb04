// Queueing formulas for staffing: Erlang B and C (Erlang 1917) and Erlang A, the M/M/N+M queue
// with exponential patience (Palm 1943, in the form of Mandelbaum & Zeltyn 2005). Pure: numbers
// in, numbers out; times in seconds. No factorials and no powers of the load: every quantity is a
// recursion or a series of ratios, kept in log space where it can overflow, so thousands of
// agents and loads in the thousands of Erlangs stay finite and exact to rounding.

/** What a number of agents gives for a stream of contacts. */
export interface QueueMetrics {
  /** Probability that a contact waits at all (finds every agent busy). */
  probWait: number;
  /** Probability that a contact is answered within the target time (answered, not abandoned). */
  serviceLevel: number;
  /** Average speed of answer: mean wait of the contacts that are answered, in seconds; Infinity when the queue grows without end. */
  asa: number;
  /** Share of the agents' time spent handling contacts. */
  occupancy: number;
  /** Probability that a contact hangs up before it is answered (0 in Erlang C). */
  probAbandon: number;
}

export interface QueueInput {
  /** Agents (servers) answering. */
  servers: number;
  /** Contacts per second. */
  arrivalRate: number;
  /** Mean handling time in seconds. */
  handlingSeconds: number;
  /** The service-level threshold: answered within this many seconds. */
  withinSeconds: number;
}

const LN_SCALE = Math.log(1e250);

/** log(1 + e^u) without overflow for large u nor loss for very negative u. */
function softplus(u: number): number {
  return u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
}

/**
 * log of Erlang B, the blocking probability of N servers offered A Erlangs, by the recursion
 * B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)) (Erlang 1917), written as
 * log B(n) = −log(1 + n / (A·B(n−1))) so that it never underflows.
 */
export function logErlangB(servers: number, traffic: number): number {
  return logErlangBPair(servers, traffic)[1];
}

/** [log B(N−1), log B(N)] from one pass of the recursion. */
function logErlangBPair(servers: number, traffic: number): [number, number] {
  if (servers === 0) return [0, 0];
  if (traffic === 0) return [servers === 1 ? 0 : Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const logA = Math.log(traffic);
  let previous = 0;
  let logB = 0;
  for (let n = 1; n <= servers; n++) {
    previous = logB;
    logB = -softplus(Math.log(n) - logA - logB);
  }
  return [previous, logB];
}

/** Erlang B: probability that all N servers are busy in a loss system offered A Erlangs. */
export function erlangB(servers: number, traffic: number): number {
  return Math.exp(logErlangB(servers, traffic));
}

/**
 * Erlang C: probability that a contact waits, C = N·B / (N − A·(1 − B)) with B = Erlang B
 * (Erlang 1917; written through B so that it shares B's recursion). 1 when the load reaches the servers (N ≤ A).
 */
export function erlangC(servers: number, traffic: number): number {
  if (traffic === 0) return 0;
  if (servers <= traffic) return 1;
  const b = erlangB(servers, traffic);
  return (servers * b) / (servers - traffic * (1 - b));
}

/** M/M/N (Erlang C): waiting, service level, speed of answer and occupancy. */
export function erlangCMetrics(input: QueueInput): QueueMetrics {
  const { servers, arrivalRate, handlingSeconds, withinSeconds } = input;
  const traffic = arrivalRate * handlingSeconds;
  if (traffic === 0) return { probWait: 0, serviceLevel: 1, asa: 0, occupancy: 0, probAbandon: 0 };
  if (servers <= traffic)
    return { probWait: 1, serviceLevel: 0, asa: Number.POSITIVE_INFINITY, occupancy: 1, probAbandon: 0 };
  const c = erlangC(servers, traffic);
  // The wait of a delayed contact is exponential with rate (N − A)/AHT.
  const drain = (servers - traffic) / handlingSeconds;
  return {
    probWait: c,
    serviceLevel: 1 - c * Math.exp(-drain * withinSeconds),
    asa: c / drain,
    occupancy: traffic / servers,
    probAbandon: 0,
  };
}

interface Series {
  /** log Σ c_m */
  logSum: number;
  /** Σ c_m·H_m / Σ c_m, with H_m = Σ_{j=0..m} 1/(a+j); only when asked. */
  meanHarmonic: number;
}

/**
 * The series A(a, z) = Σ_{m≥0} z^m / ((a+1)(a+2)…(a+m)) = a·e^z·z^(−a)·γ(a, z) of Mandelbaum &
 * Zeltyn (2005), summed term by term (each term is the last times z/(a+m)) and
 * rescaled when it grows, so it holds when z ≫ a (an overloaded queue). Optionally also the
 * weighted mean of the harmonic sums H_m, which gives the mean wait of answered contacts.
 */
function series(a: number, z: number, withHarmonic: boolean): Series {
  let term = 1;
  let sum = 1;
  let harmonic = 1 / a;
  let sumH = harmonic;
  let scales = 0;
  for (let m = 1; ; m++) {
    term *= z / (a + m);
    harmonic += 1 / (a + m);
    sum += term;
    if (withHarmonic) sumH += term * harmonic;
    if (term > 1e250) {
      term /= 1e250;
      sum /= 1e250;
      sumH /= 1e250;
      scales++;
    }
    const ratio = z / (a + m + 1);
    if (ratio < 1) {
      // The rest is below a geometric tail with this ratio.
      const tail = (term * ratio) / (1 - ratio);
      const tailH = tail * (harmonic + 1 / ((a + m + 1) * (1 - ratio)));
      if (tail <= 1e-17 * sum && (!withHarmonic || tailH <= 1e-17 * sumH)) break;
    }
    if (m > 50_000_000) throw new Error(`Erlang A series did not converge (a=${a}, z=${z})`);
  }
  return { logSum: Math.log(sum) + scales * LN_SCALE, meanHarmonic: withHarmonic ? sumH / sum : 0 };
}

/**
 * M/M/N+M (Erlang A): agents answer in order, each waiting contact hangs up after an exponential
 * patience of mean `patienceSeconds`. With x = Nμ/θ, y = λ/θ and E = Erlang B(N, λ/μ), Palm's
 * stationary law (Palm 1943) gives, in the notation of Mandelbaum & Zeltyn (2005):
 *   P(wait) = A(x,y)·E / (1 + (A(x,y) − 1)·E)
 *   P(abandon | wait) = 1/(ρ·A(x,y)) + 1 − 1/ρ, ρ = λ/(Nμ); here as 1 − x/(x+1)·A(x+1,y)/A(x,y),
 *     the same number without the cancellation when patience is long
 *   P(answered after waiting > t | wait) = P(answered | wait) · γ(x+1, y·e^(−θt)) / γ(x+1, y)
 * and the mean wait of a delayed contact that is answered, (1/θ)·Σ c_m·H_m / Σ c_m over the terms
 * c_m of A(x+1, y), from integrating the last line over t. docs/planning.md derives the last two.
 */
export function erlangAMetrics(input: QueueInput & { patienceSeconds: number }): QueueMetrics {
  const { servers, arrivalRate, handlingSeconds, withinSeconds, patienceSeconds } = input;
  const traffic = arrivalRate * handlingSeconds;
  if (traffic === 0) return { probWait: 0, serviceLevel: 1, asa: 0, occupancy: 0, probAbandon: 0 };
  if (servers === 0) return { probWait: 1, serviceLevel: 0, asa: 0, occupancy: 0, probAbandon: 1 };
  const theta = 1 / patienceSeconds;
  const x = (servers * patienceSeconds) / handlingSeconds;
  const y = arrivalRate * patienceSeconds;

  const [logEBelow, logE] = logErlangBPair(servers, traffic);
  const logAx = series(x, y, false).logSum;
  const next = series(x + 1, y, true);
  // P(wait) = 1 / (1 + r), r = (1 − E) / (A(x,y)·E), in logs: both A and 1/E can overflow.
  const logR = Math.log1p(-Math.exp(logE)) - logE - logAx;
  const probWait = logR > 0 ? Math.exp(-logR) / (1 + Math.exp(-logR)) : 1 / (1 + Math.exp(logR));
  // 1 − P(wait), not by subtraction: it may be far below rounding of 1.
  const noWait = logR > 0 ? 1 / (1 + Math.exp(-logR)) : Math.exp(logR) / (1 + Math.exp(logR));
  const answeredIfWait = Math.min(1, (x / (x + 1)) * Math.exp(next.logSum - logAx));

  // γ(x+1, y·p) / γ(x+1, y) with p = e^(−θt): γ(a, z) = z^a·e^(−z)·A(a, z)/a.
  const p = Math.exp(-theta * withinSeconds);
  const logLate =
    -(x + 1) * theta * withinSeconds +
    y * -Math.expm1(-theta * withinSeconds) +
    series(x + 1, y * p, false).logSum -
    next.logSum;
  const late = Math.min(1, Math.exp(logLate));

  const answered = noWait + probWait * answeredIfWait;
  const waitOfAnswered = probWait * answeredIfWait * (next.meanHarmonic / theta);
  // Busy agents: all N while contacts wait; otherwise the Erlang loss law on 0…N−1 agents, of mean
  // A·(1 − B(N−1)). Equal to the answered load A·(1 − P(abandon)) but without its rounding when most hang up.
  const busyWhenFree = traffic * -Math.expm1(logEBelow);
  return {
    probWait,
    serviceLevel: noWait + probWait * answeredIfWait * (1 - late),
    asa: answered > 0 ? waitOfAnswered / answered : 0,
    occupancy: Math.min(1, probWait + (noWait * busyWhenFree) / servers),
    probAbandon: probWait * (1 - answeredIfWait),
  };
}
