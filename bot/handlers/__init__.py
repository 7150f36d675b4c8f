"""Update handlers, one module per area; bot.app wires them to the Application."""
