"""The neuron's axon: start it with the template's handlers, find the address to publish, publish it.

The axon's gatekeepers come from the metagraph the loop keeps fresh: `is_allowed` lets only hotkeys
registered on the subnet in, `stake_of` orders queued work by the caller's stake. The address published
with serve_axon is, in order: `--external-ip`/`--external-port`; 127.0.0.1 when the chain itself is on
this machine (a localnet: peers are local too); else this host's public address as an echo service sees
it; else the address of the interface that routes outwards (a LAN address, said in the log).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from chain.errors import ChainError, ExtrinsicFailed

if TYPE_CHECKING:
    from neuron.base import Neuron

log = logging.getLogger("taocli.neuron")

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


def external_ip(chain_url: str) -> tuple[str, str]:
    """(ip, how it was found) for the axon to publish when no --external-ip was given."""
    host = chain_url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
    if host in LOCAL_HOSTS:
        return "127.0.0.1", "the chain runs on this machine (localnet)"
    from neuron.network import detect_external_ip

    return detect_external_ip(), "detected (public echo service, else the default route's interface)"


def start_axon(neuron: Neuron, handler: Any) -> Any:
    """Build, attach and start the axon for a template object (`synapse`, `forward`, optional extras)."""
    from neuron.axon import Axon

    cfg = neuron.config
    metagraph = neuron.metagraph
    axon = Axon(cfg.hotkey, host=cfg.axon_host, port=cfg.axon_port, external_ip=cfg.external_ip,
                external_port=cfg.external_port, is_allowed=metagraph.has, stake_of=metagraph.stake_of)
    forward = getattr(handler, "forward", None)
    if forward is not None:  # a validator template need not answer anything (its axon then serves no route)
        kinds = handler.synapse if isinstance(handler.synapse, tuple) else (handler.synapse,)
        for kind in kinds:
            axon.attach(forward, blacklist=getattr(handler, "blacklist", None),
                        priority=getattr(handler, "priority", None), synapse=kind)
    return _started(axon, neuron)


def _started(axon: Any, neuron: Neuron) -> Any:
    try:
        axon.start()
    except OSError as exc:
        from neuron.base import NeuronError

        raise NeuronError(f"the axon cannot start: {exc.strerror or exc}") from None
    return axon


def publish_axon(neuron: Neuron) -> None:
    """serve_axon with the external address, unless the chain already shows exactly that address."""
    cfg = neuron.config
    info = neuron.axon.info()
    port = cfg.external_port or int(info.port)
    if cfg.external_ip:
        ip, how = cfg.external_ip, "--external-ip"
    else:
        ip, how = external_ip(neuron.link.url)
    uid = neuron.uid
    m = neuron.metagraph
    if uid is not None and uid < m.n and m.axon_ip[uid] in (ip, _instead_of_loopback(ip, cfg.external_ip)) \
            and int(m.axon_port[uid]) == port:
        log.info("axon %s:%d already published on chain; not serving again", m.axon_ip[uid], port)
        neuron.status.update(axon=f"{m.axon_ip[uid]}:{port}", axon_published_block=int(m.axon_block[uid]))
        return
    try:
        try:
            receipt = _serve(neuron, ip, port)
        except ExtrinsicFailed as exc:
            other = _instead_of_loopback(ip, cfg.external_ip) if exc.name == "InvalidIpAddress" else None
            if other is None:
                raise
            # A real subtensor runtime on this machine (a subtensor localnet, chopsticks) refuses exactly 127.0.0.1;
            # only taocli's localnet allows loopback. The axon listens on every interface, so this host's own
            # interface address reaches it from here (and from the LAN).
            log.info("the chain refuses 127.0.0.1 as an axon address; publishing this host's address %s", other)
            ip, how = other, "this host's interface address (the chain refuses loopback)"
            receipt = _serve(neuron, ip, port)
    except ChainError as exc:  # e.g. the serving rate limit: keep serving, say why the chain shows an old address
        log.warning("axon listens on port %d but could not be published as %s:%d: %s", info.port, ip, port, exc)
        neuron.status.update(axon=f"{ip}:{port}", axon_published_block=None, axon_error=str(exc))
        return
    log.info("axon published on chain as %s:%d (%s) in block #%s", ip, port, how, receipt.block_number)
    neuron.status.update(axon=f"{ip}:{port}", axon_published_block=receipt.block_number)


def _serve(neuron: Neuron, ip: str, port: int) -> Any:
    cfg = neuron.config
    return neuron.retry("serve_axon", lambda: neuron.link.serve_axon(cfg.hotkey, cfg.netuid, ip, port))


def _instead_of_loopback(ip: str, given: str | None) -> str | None:
    """The address to publish when the chain refuses the loopback address we chose ourselves (never one the
    user gave with --external-ip): this host's default-route interface, if it has one."""
    from neuron.network import route_ip

    if given or ip != "127.0.0.1":
        return None
    other = route_ip()
    return None if other == ip else other


def axon_counters(neuron: Neuron) -> dict[str, Any]:
    """The axon's request counters (neuron.axon.Axon.stats) for the status file ({} with no axon)."""
    return dict(neuron.axon.stats()) if neuron.axon is not None else {}


def dendrite_query(dendrite: Any, axons: list[tuple[str, int, str]], synapse: Any, timeout: float) -> list[Any]:
    """One synapse to many axons (ip, port, hotkey) through the dendrite; one reply per axon, in order."""
    from neuron.network import AxonInfo

    targets = [AxonInfo(ip=ip, port=port, hotkey=hotkey) for ip, port, hotkey in axons]
    return list(dendrite.query(targets, synapse, timeout=timeout))


def report_requests(neuron: Neuron) -> None:
    """Put the axon's counters and the request rate (over the last >= 10 s) into the status file fields."""
    import time

    counters = axon_counters(neuron)
    served = int(counters.get("requests", 0))
    now = time.monotonic()
    mark = getattr(neuron, "_rate_mark", None)
    if mark is None:
        neuron._rate_mark = (now, served)  # type: ignore[attr-defined]
    elif now - mark[0] >= 10.0:
        neuron.status.update(request_rate=(served - mark[1]) / (now - mark[0]))
        neuron._rate_mark = (now, served)  # type: ignore[attr-defined]
    if "request_rate" not in neuron.status.fields:  # until a 10 s window has passed: the average since start
        neuron.status.update(request_rate=counters.get("rate_per_second"))
    neuron.status.update(requests=counters, requests_served=served)
