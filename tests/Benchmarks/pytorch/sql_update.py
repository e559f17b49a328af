#!/usr/bin/env python3
"""The soft Q-learning + amortized SVGD update step in PyTorch, with the same flags as `sql-update`.

A straightforward port of the reference implementation's graph (concat(obs, action) inputs, both gradients
taken before either Adam step), for comparing updates/s with the C# learner on one machine in one run.
Prints, as its last line, one JSON object. Needs /usr/bin/python3 with torch (Debian python3-torch).
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn


def mlp(inputs, hidden, outputs):
    return nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, outputs))


def main():
    p = argparse.ArgumentParser()
    for name, default in [("obs", 17), ("act", 6), ("hidden", 256), ("batch", 128), ("kv", 16), ("k", 32), ("threads", 1), ("steps", 50), ("warmup", 10)]:
        p.add_argument("--" + name, type=int, default=default)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    q, q_target, policy = mlp(a.obs + a.act, a.hidden, 1), mlp(a.obs + a.act, a.hidden, 1), mlp(a.obs + a.act, a.hidden, a.act)
    q_target.load_state_dict(q.state_dict())
    q_opt, pi_opt = torch.optim.Adam(q.parameters(), 3e-4), torch.optim.Adam(policy.parameters(), 3e-4)
    B, D, KV, K = a.batch, a.act, a.kv, a.k
    kf, ku = K - K // 2, K // 2
    obs, next_obs = torch.randn(B, a.obs), torch.randn(B, a.obs)
    act, rew, term = torch.rand(B, D) * 2 - 1, torch.randn(B), (torch.rand(B) < 0.05).float()

    def update():
        with torch.no_grad():
            target_actions = torch.rand(1, KV, D) * 2 - 1
            qn = q_target(torch.cat([next_obs[:, None, :].expand(B, KV, a.obs), target_actions.expand(B, KV, D)], -1)).squeeze(-1)
            v = torch.logsumexp(qn, 1) - math.log(KV) + D * math.log(2)
            y = rew + (1 - term) * 0.99 * v
        q_loss = 0.5 * ((q(torch.cat([obs, act], -1)).squeeze(-1) - y) ** 2).mean()
        actions = torch.tanh(policy(torch.cat([obs[:, None, :].expand(B, K, a.obs), torch.randn(B, K, D)], -1)))
        fixed = actions[:, :kf].detach().requires_grad_(True)
        updated = actions[:, kf:]
        log_p = q(torch.cat([obs[:, None, :].expand(B, kf, a.obs), fixed], -1)).squeeze(-1) + torch.log(1 - fixed ** 2 + 1e-6).sum(-1)
        grad_log_p = torch.autograd.grad(log_p.sum(), fixed)[0].detach()
        diff = fixed.detach()[:, :, None, :] - updated.detach()[:, None, :, :]
        dist = (diff ** 2).sum(-1)
        med = dist.reshape(B, -1).topk(kf * ku // 2 + 1, dim=1).values[:, -1]
        h = torch.clamp(med / math.log(kf), min=1e-3)[:, None, None]
        kappa = torch.exp(-dist / h)
        phi = (kappa[..., None] * grad_log_p[:, :, None, :] - 2 * diff / h[..., None] * kappa[..., None]).mean(1)
        surrogate = -(phi.detach() * updated).sum()
        q_opt.zero_grad()
        pi_opt.zero_grad()
        q_loss.backward()
        surrogate.backward()
        q_opt.step()
        pi_opt.step()

    for _ in range(a.warmup):
        update()
    start = time.perf_counter()
    for _ in range(a.steps):
        update()
    seconds = time.perf_counter() - start
    ups = a.steps / seconds
    print(f"pytorch {torch.__version__}, {a.threads} thread(s): {ups:.1f} updates/s")
    print(json.dumps({"benchmark": "sql-update", "implementation": "pytorch", "torch": torch.__version__, "updates_per_second": round(ups, 2),
                      "ms_per_update": round(1000 / ups, 3), "threads": a.threads, "obs": a.obs, "act": a.act, "hidden": a.hidden,
                      "batch": B, "kv": KV, "k": K}))


if __name__ == "__main__":
    main()
