"""An assistant started on free ports (bot/runtime/instance.py), before it is started."""

import os

from bot.runtime.instance import Instance, free_port, memory_mb, server_pids
from bot.runtime.launcher import port_in_use


def test_an_instance_that_is_not_started_has_free_ports_and_no_processes(tmp_path):
    instance = Instance(tmp_path)
    assert instance.rasa_port != instance.action_port and not port_in_use(instance.rasa_port)
    assert instance.url == f"http://127.0.0.1:{instance.rasa_port}/webhooks/rest/webhook"
    assert not instance.running() and instance.pids() == {"rasa": [], "actions": []}
    assert server_pids(free_port(), free_port()) == {"rasa": [], "actions": []}
    assert memory_mb([os.getpid()]) > 0 and memory_mb([os.getpid()], "VmRSS", sum) > 0
