"""Mount the judicial record, environment and payment systems on the app and the gateway."""

from __future__ import annotations

from flask_smorest import Api

from simulator.gateway.registry import register_system
from simulator.systems import errors


def mount_systems_b(api: Api) -> None:
    """Register each system's blueprint, gateway prefix and error format."""
    from simulator.systems import environment, judicial_record
    from simulator.systems.payment import routes as payment

    for system, module in (("judicial_record", judicial_record), ("environment", environment), ("payment", payment)):
        api.register_blueprint(module.blp)
        register_system(system, module.PREFIX)
        errors.register_error_format(system, module.PREFIX, module.error_body)
