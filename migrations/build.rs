// Rebuild when a migration changes, so the embedded SQL is never stale.
fn main() {
    println!("cargo:rerun-if-changed=postgres");
    println!("cargo:rerun-if-changed=sqlite");
}
