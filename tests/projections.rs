//! Read models through the real stores (scenarios added with the projection runner).
