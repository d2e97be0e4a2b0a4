//! `spotkey api` as clap sees it: the flags mirror `gh api`, so a script written for one reads
//! naturally for the other.
use clap::Args;

#[derive(Args, Debug, Default)]
pub struct ApiArgs {
    /// A Web API path (`/me/playlists` or `me/playlists`; a leading `/v1` is fine) or a full URL
    /// under SPOTKEY_API_URL.
    #[arg(value_name = "PATH_OR_URL")]
    pub endpoint: String,
    /// The HTTP method (default GET, or POST when fields or --input are given).
    #[arg(short = 'X', long = "method", value_name = "METHOD")]
    pub method: Option<String>,
    /// A string field `key=value` (`key[]=value` adds to an array): the query string for GET,
    /// else a JSON body.
    #[arg(short = 'f', long = "raw-field", value_name = "KEY=VALUE")]
    pub raw_fields: Vec<String>,
    /// A typed field: true, false, null and integers become JSON values; `@file` reads a
    /// file, `@-` standard input.
    #[arg(short = 'F', long = "field", value_name = "KEY=VALUE")]
    pub typed_fields: Vec<String>,
    /// Send this file (`-` for standard input) as the request body, as it is; fields then go
    /// to the query string.
    #[arg(long, value_name = "FILE")]
    pub input: Option<String>,
    /// An extra request header `Name: value` (not Authorization or Host: spotkey sets those).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Follow Spotify's `next` links and print every page's items as one JSON array (GET only).
    #[arg(long)]
    pub paginate: bool,
    /// Print the status line and response headers before the body.
    #[arg(short = 'i', long)]
    pub include: bool,
    /// Print no response body.
    #[arg(long)]
    pub silent: bool,
}
