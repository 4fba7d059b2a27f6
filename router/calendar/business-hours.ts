// Business hours are shared with the phone menus of the voice connectors; they live in core.
export * from '../../core/calendar/business-hours.js';
