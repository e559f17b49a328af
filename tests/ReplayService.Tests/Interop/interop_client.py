"""A standard grpcio client, generated from replay.proto, against a running shard: insert, sample, refuse."""
import struct
import sys

import grpc

import replay_pb2
import replay_pb2_grpc

OBS, ACT = 3, 2


def tensor(values, shape):
    return replay_pb2.Tensor(shape=shape, data=struct.pack("<%df" % len(values), *values))


def batch(rows, obs_width=OBS):
    obs = [float(r * 10 + j) for r in range(rows) for j in range(obs_width)]
    act = [float(-r - j) for r in range(rows) for j in range(ACT)]
    return replay_pb2.Transitions(
        observations=tensor(obs, [rows, obs_width]),
        actions=tensor(act, [rows, ACT]),
        rewards=tensor([float(r) for r in range(rows)], [rows]),
        next_observations=tensor([v + 0.5 for v in obs], [rows, obs_width]),
        terminals=[r % 2 == 0 for r in range(rows)],
    )


def main(address):
    with grpc.insecure_channel(address) as channel:
        stub = replay_pb2_grpc.ReplayServiceStub(channel)

        inserted = stub.Insert(iter([replay_pb2.InsertRequest(batch=batch(4))]), timeout=20)
        assert inserted.transitions == 4, inserted

        responses = list(stub.Sample(replay_pb2.SampleRequest(batch_size=16, num_batches=2), timeout=20))
        assert len(responses) == 2, responses
        for response in responses:
            rows = response.batch.rewards.shape[0]
            assert rows == 16 and list(response.batch.observations.shape) == [16, OBS]
            obs = struct.unpack("<%df" % (rows * OBS), response.batch.observations.data)
            rewards = struct.unpack("<%df" % rows, response.batch.rewards.data)
            for i, r in enumerate(rewards):
                assert obs[i * OBS] == r * 10, (obs, rewards)
                assert response.batch.terminals[i] == (int(r) % 2 == 0)

        try:
            stub.Insert(iter([replay_pb2.InsertRequest(batch=batch(2, obs_width=OBS + 1))]), timeout=20)
            raise AssertionError("a mis-shaped batch was accepted")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error
            print("refused:", error.details())

        info = stub.Info(replay_pb2.InfoRequest(), timeout=20)
        assert info.size == 4 and info.rejected["wrong_obs_width"] == 1, info
    print("INTEROP OK")


if __name__ == "__main__":
    main(sys.argv[1])
