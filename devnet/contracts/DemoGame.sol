// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title DemoGame
/// @notice The kind of contract a game dApp calls many times a minute: the target the session-key
///         demo exercises. Each player walks on an unbounded grid with `move`, and can buy items with
///         ETH through `buyItem` (so a session can be limited by value as well as by method).
contract DemoGame {
    /// @notice Price of any item. Fixed so that session value limits are easy to reason about.
    uint256 public constant ITEM_PRICE = 0.001 ether;
    /// @notice Points an item is worth in `score`.
    uint256 public constant ITEM_POINTS = 10;

    struct Player {
        int64 x;
        int64 y;
        uint64 moves;
        uint64 items;
    }

    mapping(address => Player) public players;
    /// @notice How many of each item a player owns.
    mapping(address => mapping(uint256 => uint256)) public itemsOwned;

    /// @dev direction: 0 = up (y+1), 1 = right (x+1), 2 = down (y-1), 3 = left (x-1).
    event Moved(address indexed player, uint8 direction, int64 x, int64 y, uint64 moves);
    event ItemBought(address indexed player, uint256 indexed itemId, uint256 price);

    error InvalidDirection(uint8 direction);
    error WrongPayment(uint256 sent, uint256 price);

    function move(uint8 direction) external {
        Player storage p = players[msg.sender];
        if (direction == 0) p.y += 1;
        else if (direction == 1) p.x += 1;
        else if (direction == 2) p.y -= 1;
        else if (direction == 3) p.x -= 1;
        else revert InvalidDirection(direction);
        p.moves += 1;
        emit Moved(msg.sender, direction, p.x, p.y, p.moves);
    }

    function buyItem(uint256 itemId) external payable {
        if (msg.value != ITEM_PRICE) revert WrongPayment(msg.value, ITEM_PRICE);
        Player storage p = players[msg.sender];
        p.items += 1;
        itemsOwned[msg.sender][itemId] += 1;
        emit ItemBought(msg.sender, itemId, msg.value);
    }

    function position(address player) external view returns (int64 x, int64 y) {
        Player storage p = players[player];
        return (p.x, p.y);
    }

    /// @notice One point per move plus ITEM_POINTS per item bought.
    function score(address player) external view returns (uint256) {
        Player storage p = players[player];
        return uint256(p.moves) + uint256(p.items) * ITEM_POINTS;
    }
}
