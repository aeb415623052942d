//! One module per subcommand (or family of subcommands), each with its clap
//! arguments and a `run(self, ctx)` around one library call.

pub mod amendment;
pub mod audit;
pub mod backup;
pub mod calendar;
pub mod case;
pub mod cases;
pub mod export;
pub mod extract;
pub mod import;
pub mod office;
pub mod officer;
pub mod outreach;
pub mod print;
pub mod print_log;
pub mod recover;
pub mod registration;
pub mod stats;
pub mod sync;
pub mod template;
pub mod trust;
pub mod verify_paper;
