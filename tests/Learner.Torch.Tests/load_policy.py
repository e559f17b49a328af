"""Loads a sampling network exported by PyTorchExport and prints tanh(net(concat(obs, xi))) as JSON.

argv: state-dict path, layer widths as JSON ([in, h1, ..., out]), input rows as JSON ([[obs..., xi...], ...]).
"""
import json
import sys

import torch

path, widths, rows = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
layers = []
for i in range(len(widths) - 1):
    layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
    if i < len(widths) - 2:
        layers.append(torch.nn.ReLU())
net = torch.nn.Sequential(*layers)
net.load_state_dict(torch.load(path))
with torch.no_grad():
    out = torch.tanh(net(torch.tensor(rows, dtype=torch.float32)))
print(json.dumps(out.tolist()))
